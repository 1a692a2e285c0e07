import { Module } from '@nestjs/common';
import { BonusTemplatesController } from './templates/bonus-templates.controller';
import { BonusTemplatesRepository } from './templates/bonus-templates.repository';
import { BonusTemplatesService } from './templates/bonus-templates.service';

/** Bonus engine (docs/bonuses.md): so far the templates and their jurisdiction rules. */
@Module({
  controllers: [BonusTemplatesController],
  providers: [BonusTemplatesRepository, BonusTemplatesService],
  exports: [BonusTemplatesService],
})
export class BonusModule {}
