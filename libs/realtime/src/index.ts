export * from './event-map.js';
export * from './realtime-routing.js';
export * from './realtime-server.js';
export * from './realtime.module.js';
export * from './socket-server.publisher.js';
export * from './redis-emitter.publisher.js';
export * from './redis-io.adapter.js';
