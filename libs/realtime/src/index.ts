export * from './event-map.js';
