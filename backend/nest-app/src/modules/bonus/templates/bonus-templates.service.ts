import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../../common/http/request-origin';
import { Clock } from '../../../common/time/clock';
import type { BonusTemplate, BonusTermsInput } from './bonus-template.types';
import { validateBonusTerms } from './bonus-terms.rules';
import { BonusTemplatesRepository } from './bonus-templates.repository';

export interface StaffActor {
  user: AuthenticatedUser;
  origin: RequestOrigin;
}

/** Staff create, list and retire bonus templates; each change is audited in its own transaction. */
@Injectable()
export class BonusTemplatesService {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly templates: BonusTemplatesRepository,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
  ) {}

  public async create(actor: StaffActor, input: BonusTermsInput): Promise<BonusTemplate> {
    const terms = validateBonusTerms(input);
    const template: BonusTemplate = {
      ...terms,
      id: randomUUID(),
      createdBy: actor.user.userId,
      createdAt: this.clock.now(),
      retiredAt: null,
    };
    await this.dataSource.transaction(async (manager) => {
      await this.templates.insert(manager, template);
      await this.audit(manager, actor, 'bonus.template.create', template.id, {
        name: template.name,
        kind: template.kind,
        productType: template.productType,
        currency: template.currency,
        wageringMultiplier: template.wageringMultiplier,
      });
    });
    return template;
  }

  public list(): Promise<BonusTemplate[]> {
    return this.templates.listActive();
  }

  public async get(id: string): Promise<BonusTemplate> {
    const template = await this.templates.findById(id);
    if (!template) throw new DomainError('BONUS_TEMPLATE_NOT_FOUND', 'No such bonus template', { id });
    return template;
  }

  public async retire(actor: StaffActor, id: string): Promise<BonusTemplate> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.templates.retire(manager, id, this.clock.now()))) {
        throw new DomainError('BONUS_TEMPLATE_NOT_FOUND', 'No such active bonus template', { id });
      }
      await this.audit(manager, actor, 'bonus.template.retire', id, {});
    });
    return this.get(id);
  }

  private audit(
    manager: EntityManager,
    actor: StaffActor,
    action: string,
    templateId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.auditLog.record(
      {
        actorId: actor.user.userId,
        actorRoles: actor.user.roles,
        action,
        targetType: 'bonus_template',
        targetId: templateId,
        ip: actor.origin.ip,
        userAgent: actor.origin.userAgent,
        requestId: actor.origin.requestId,
        details,
      },
      manager,
    );
  }
}
