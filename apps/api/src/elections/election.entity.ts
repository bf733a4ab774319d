import type { ElectionPhase, ElectionType, Milestone } from '@verkiezingstafel/domain';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity';

@Entity({ name: 'elections' })
export class ElectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: ElectionType;

  /** Calendar date (YYYY-MM-DD), no time zone. */
  @Column({ name: 'election_day', type: 'date' })
  electionDay!: string;

  @Column({ type: 'text' })
  phase!: ElectionPhase;

  @Column({ type: 'boolean' })
  exercise!: boolean;

  @Column({ type: 'jsonb' })
  milestones!: Milestone[];

  @ManyToMany(() => AgencyEntity)
  @JoinTable({
    name: 'election_municipalities',
    joinColumn: { name: 'election_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'agency_code', referencedColumnName: 'code' },
  })
  municipalities!: AgencyEntity[];

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
