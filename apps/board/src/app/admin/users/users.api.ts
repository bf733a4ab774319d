import { Injectable, inject } from '@angular/core';
import type { Clearance, InvitationSummary, ManagedUser, ManagedUserPage, Role, UserState } from '@verkiezingstafel/domain';
import { ApiClient } from '../../core/api/api-client.service';

export interface UserQuery {
  q?: string;
  agency?: string;
  role?: Role;
  state?: UserState;
  cursor?: string;
  limit?: number;
}

export interface NewUser {
  email: string;
  name: string;
  agency: string;
  roles: Role[];
  clearance: Clearance;
}

export interface UserChange {
  version: number;
  name?: string;
  agency?: string;
  roles?: Role[];
  clearance?: Clearance;
  active?: boolean;
}

/** User administration (`/api/users`, administrators only) and the invitation link (`/api/auth/invitation`). */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly api = inject(ApiClient);

  list(query: UserQuery): Promise<ManagedUserPage> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
    const text = search.toString();
    return this.api.get<ManagedUserPage>(`/users${text ? `?${text}` : ''}`);
  }

  get(id: string): Promise<ManagedUser> {
    return this.api.get<ManagedUser>(`/users/${encodeURIComponent(id)}`);
  }

  create(user: NewUser): Promise<ManagedUser> {
    return this.api.post<ManagedUser>('/users', user);
  }

  update(id: string, change: UserChange): Promise<ManagedUser> {
    return this.api.patch<ManagedUser>(`/users/${encodeURIComponent(id)}`, change);
  }

  resetPassword(id: string): Promise<ManagedUser> {
    return this.api.post<ManagedUser>(`/users/${encodeURIComponent(id)}/reset-password`);
  }

  resetTotp(id: string): Promise<ManagedUser> {
    return this.api.post<ManagedUser>(`/users/${encodeURIComponent(id)}/reset-totp`);
  }

  invitation(token: string): Promise<InvitationSummary> {
    return this.api.post<InvitationSummary>('/auth/invitation', { token }, { expectsUnauthorized: true });
  }

  acceptInvitation(token: string, password: string): Promise<{ email: string }> {
    return this.api.post<{ email: string }>('/auth/invitation/accept', { token, password }, { expectsUnauthorized: true });
  }
}
