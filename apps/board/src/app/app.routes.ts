import type { Routes } from '@angular/router';
import { abilityGuard, signedInGuard, signedOutGuard } from './core/auth/auth.guards';
import { pageTitle } from './core/i18n/translated-title.strategy';
import { ShellComponent } from './shell/shell.component';

export const routes: Routes = [
  {
    path: '',
    component: ShellComponent,
    children: [
      {
        path: 'inloggen',
        title: pageTitle('signIn.title'),
        canActivate: [signedOutGuard],
        loadComponent: () => import('./auth/sign-in/sign-in-page.component').then((m) => m.SignInPageComponent),
      },
      {
        // The link of an invitation mail: whoever holds it sets a password, signed in or not.
        path: 'uitnodiging',
        title: pageTitle('invitation.title'),
        loadComponent: () => import('./auth/invitation/invitation-page.component').then((m) => m.InvitationPageComponent),
      },
      {
        path: '',
        canActivateChild: [signedInGuard],
        children: [
          {
            path: '',
            pathMatch: 'full',
            title: pageTitle('board.title'),
            loadComponent: () => import('./signals/board/board-page.component').then((m) => m.BoardPageComponent),
          },
          {
            path: 'signalen/nieuw',
            title: pageTitle('form.newTitle'),
            loadComponent: () => import('./signals/form/signal-form-page.component').then((m) => m.SignalFormPageComponent),
          },
          {
            path: 'signalen/:id',
            title: pageTitle('detail.title'),
            loadComponent: () =>
              import('./signals/detail/signal-detail-page.component').then((m) => m.SignalDetailPageComponent),
          },
          {
            path: 'signalen/:id/bewerken',
            title: pageTitle('form.editTitle'),
            loadComponent: () => import('./signals/form/signal-form-page.component').then((m) => m.SignalFormPageComponent),
          },
          {
            path: 'verkiezingen',
            title: pageTitle('elections.title'),
            loadComponent: () =>
              import('./admin/elections/elections-page.component').then((m) => m.ElectionsPageComponent),
          },
          {
            path: 'audit',
            title: pageTitle('audit.title'),
            canActivate: [abilityGuard('read', 'Audit')],
            loadComponent: () => import('./admin/audit/audit-page.component').then((m) => m.AuditPageComponent),
          },
          {
            path: 'beheer/gebruikers',
            title: pageTitle('users.title'),
            canActivate: [abilityGuard('read', 'User')],
            loadComponent: () => import('./admin/users/users-page.component').then((m) => m.UsersPageComponent),
          },
          {
            path: 'beheer/gebruikers/nieuw',
            title: pageTitle('users.newTitle'),
            canActivate: [abilityGuard('create', 'User')],
            loadComponent: () => import('./admin/users/new-user-page.component').then((m) => m.NewUserPageComponent),
          },
          {
            path: 'beheer/gebruikers/:id',
            title: pageTitle('users.userTitle'),
            canActivate: [abilityGuard('read', 'User')],
            loadComponent: () => import('./admin/users/user-page.component').then((m) => m.UserPageComponent),
          },
          {
            path: 'account',
            title: pageTitle('home.title'),
            loadComponent: () => import('./home/home-page.component').then((m) => m.HomePageComponent),
          },
          {
            path: 'account/beveiliging',
            title: pageTitle('security.title'),
            loadComponent: () =>
              import('./auth/security/security-page.component').then((m) => m.SecurityPageComponent),
          },
          {
            path: '**',
            title: pageTitle('notFound.title'),
            loadComponent: () => import('./not-found/not-found-page.component').then((m) => m.NotFoundPageComponent),
          },
        ],
      },
    ],
  },
];
