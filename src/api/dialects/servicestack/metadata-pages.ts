import type { FastifyInstance } from 'fastify';

export function registerMetadataPages(_scope: FastifyInstance, _prefix: string): void {}
