import { describeTokenStore } from '@codex-oauth/core/testing';
import { memoryStore } from '../src/index.js';

describeTokenStore({ name: 'store-memory', create: () => memoryStore() });
