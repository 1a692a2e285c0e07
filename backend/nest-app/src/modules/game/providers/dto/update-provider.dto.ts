import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateProviderDto } from './create-provider.dto';

/** Every field of a provider but its code and protocol, each optional; credentials replace the named secrets. */
export class UpdateProviderDto extends PartialType(OmitType(CreateProviderDto, ['code', 'protocol'] as const)) {}
