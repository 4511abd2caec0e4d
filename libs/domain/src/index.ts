export * from './common/app-error.js';
export * from './common/error-catalogue.js';
export * from './common/ids.js';
export * from './common/tenant-context.js';
export * from './common/pagination.js';
export * from './common/phone.js';
export * from './processors.module.js';
