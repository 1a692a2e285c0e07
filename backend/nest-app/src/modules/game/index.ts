/** The game module's public face: what other modules may import. */
export { GameModule } from './game.module';
export { GamesService } from './catalog/games.service';
export { GameDto } from './catalog/dto/game.dto';
export {
  PROVIDER_OWNED_FIELDS,
  VOLATILITIES,
  type GameRecord,
  type ProviderOwnedField,
  type Volatility,
} from './catalog/game.types';
export { isProviderWalletRoute } from './seamless/provider-body';
export type { GameDimension } from './catalog/games.repository';
export { GAME_CATALOG_QUEUE } from './catalog/catalog-sync.processor';
