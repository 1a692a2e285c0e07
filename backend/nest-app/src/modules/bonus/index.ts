/** The bonus module's public face: what other modules may import. */
export { BonusModule } from './bonus.module';
export { BonusTemplatesService } from './templates/bonus-templates.service';
export type { BonusTemplate, BonusKind, ProductType } from './templates/bonus-template.types';
export { GB_MAX_WAGERING_MULTIPLIER } from './templates/bonus-terms.rules';
export { BonusWagering, type BonusWager, type PlacedWager } from './wagering/bonus-wagering';
export type { ActiveBonusTerms } from './player-bonuses/player-bonus.types';
export { FreeSpinsIssuers } from './free-spins/free-spins-issuers';
export { FreeSpinPlayService } from './free-spins/free-spin-play';
export type {
  FreeSpinsIssuer,
  FreeSpinsOrder,
  FreeSpinPlay,
  FreeSpinRefusal,
  FreeSpinReward,
} from './free-spins/free-spins.types';
export { BonusWithdrawals } from './player-bonuses/bonus-withdrawals.service';
