/**
 * The BullMQ queue registry: every queue name and job payload is defined here once,
 * so that producers (nest-app) and consumers (worker-etl) cannot drift apart.
 */
export const QUEUES = {
  MAIL: 'mail',
  SMS: 'sms',
  REPORTS: 'reports',
  ANALYTICS: 'analytics',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export const MAIL_JOBS = { SEND_EMAIL: 'send-email' } as const;
export interface SendEmailJobV1 {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What the mail is about, for metrics and logs; never the secret it carries. */
  template: string;
}

export const SMS_JOBS = { SEND_SMS: 'send-sms' } as const;
export interface SendSmsJobV1 {
  to: string;
  text: string;
  template: string;
}

export const REPORT_JOBS = { EXPORT_REPORT: 'export-report' } as const;
export interface ExportReportJobV1 {
  reportId: string;
  kind: string;
  requestedBy: string;
  parameters: Record<string, string>;
}
