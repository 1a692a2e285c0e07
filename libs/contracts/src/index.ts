export * from './money/currency';
export * from './money/money';
export * from './errors/error-codes';
export * from './errors/domain-error';
export * from './events/envelope';
export * from './events/user-events';
export * from './events/wallet-events';
export * from './jobs/queues';
