import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MARKINGS, type Marking, TEXT_LIMITS } from '@verkiezingstafel/domain';
import { IsIn, IsString } from 'class-validator';
import { IsOptionalNotNull, TextLength } from '../../common/validators';

export class CreateTimelineEntryDto {
  @ApiProperty({ minLength: TEXT_LIMITS.timelineText.min, maxLength: TEXT_LIMITS.timelineText.max })
  @IsString()
  @TextLength(TEXT_LIMITS.timelineText)
  text!: string;

  @ApiPropertyOptional({ enum: ['comment', 'assessment'], default: 'comment' })
  @IsOptionalNotNull()
  @IsIn(['comment', 'assessment'])
  kind?: 'comment' | 'assessment';

  @ApiPropertyOptional({
    enum: MARKINGS,
    description:
      "Never looser than the signal's. Omitted or equal to the signal's: the entry follows the signal's marking, now and after every change; stricter: the entry keeps this marking of its own",
  })
  @IsOptionalNotNull()
  @IsIn(MARKINGS)
  marking?: Marking;
}
