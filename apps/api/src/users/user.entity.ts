import type { Clearance, Role } from '@verkiezingstafel/domain';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @ManyToOne(() => AgencyEntity, { eager: true })
  @JoinColumn({ name: 'agency_code' })
  agency!: AgencyEntity;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ type: 'text' })
  clearance!: Clearance;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  /** TOTP secret, encrypted at rest (AES-256-GCM); confirmed or pending enrolment. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true, select: false })
  totpSecret!: string | null;

  @Column({ name: 'totp_enabled', type: 'boolean' })
  totpEnabled!: boolean;

  /** The last accepted TOTP time step, so that a code is never accepted twice. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true, select: false })
  totpLastStep!: string | null;

  /** Bumped on a role, clearance or agency change: sessions re-scope on it. */
  @Column({ name: 'authz_version', type: 'integer' })
  authzVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
