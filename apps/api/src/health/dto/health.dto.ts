import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Terminus' answer: `ok` with every indicator up, or `error` (then with status 503). */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { database: { status: 'up' } } }) info!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) error!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { database: { status: 'up' } } }) details!: Record<string, unknown>;
}
