import { MAIL_JOBS, QUEUES, type ReportExportNotifyV1, type SendEmailJobV1 } from '@casino/contracts';
import { SignedLinks, tracedJob } from '@casino/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { REPORT_EXPORTS_OPTIONS, type ReportExportsOptions } from './report-exports.tokens';

/**
 * Mails a scheduled report's recipients the signed link of its file, one `mail` job per recipient whose id is the
 * export's and the recipient's: a retried export job enqueues no second mail. The link is a credential: it is in
 * the mail only, never in a log.
 */
@Injectable()
export class ReportExportMailer {
  private readonly links: SignedLinks;

  public constructor(
    @InjectQueue(QUEUES.MAIL) private readonly mail: Queue<SendEmailJobV1>,
    @Inject(REPORT_EXPORTS_OPTIONS) private readonly options: ReportExportsOptions,
  ) {
    this.links = new SignedLinks(options.mailedLinks.secret);
  }

  public async notify(exportId: string, notify: ReportExportNotifyV1, rows: number, nowMs = Date.now()): Promise<void> {
    const expires = Math.floor(nowMs / 1000) + this.options.mailedLinks.ttlSeconds;
    const { signature } = this.links.sign(exportId, expires);
    const base = this.options.mailedLinks.publicUrl.replace(/\/+$/, '');
    const url = `${base}/api/v1/reports/exports/${exportId}/download?expires=${expires}&signature=${signature}`;
    const text =
      `${notify.subject}\n\n${rows} row(s). Download (valid until ${new Date(expires * 1000).toISOString()}):\n` +
      `${url}\n\nThe link is the key to the file: do not forward it.\n`;
    await Promise.all(
      notify.recipients.map((to, index) =>
        this.mail.add(
          MAIL_JOBS.SEND_EMAIL,
          tracedJob({ to, subject: notify.subject, text, template: 'report-schedule' }),
          { jobId: `report-export-${exportId}-${index}`, attempts: 5, backoff: { type: 'exponential', delay: 5000 } },
        ),
      ),
    );
  }
}
