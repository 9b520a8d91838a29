import { ErrorCodes, isCodexOAuthError } from '../../model/errors.js';
import type { ProviderStrategy } from '../strategy.js';
import { buildAuthorizeUrl } from './authorize-url.js';
import {
  type DeviceGrant,
  devicePollRequest,
  exchangeDeviceGrant,
  processDevicePollResponse,
  slowDownOpenAI,
} from './device-flow.js';
import { looksLikeIssuer, notAnIssuerError } from './issuer-probe.js';
import type { OpenAIProfile } from './provider-openai.js';
import { processRefreshResponse, refreshRequest } from './refresh.js';
import { processRevokeResponse, revokeRequest } from './revoke.js';
import { processTokenExchangeResponse, tokenExchangeRequest } from './token-exchange.js';
import { processUserCodeResponse, userCodeRequest } from './user-code.js';

/** OpenAI's own dialect (SPEC §4): every step a request builder of this folder and its reader. */
export const openaiStrategy: ProviderStrategy<OpenAIProfile> = {
  authorizeUrl: (profile, input) => buildAuthorizeUrl({ profile, ...input }),
  exchangeCode: async (provider, input) =>
    processTokenExchangeResponse(await tokenExchangeRequest({ ...input, provider })),
  refresh: async (provider, input) =>
    processRefreshResponse(await refreshRequest({ ...input, provider })),
  revoke: async (provider, input) =>
    processRevokeResponse(await revokeRequest({ ...input, provider })),
  async startDevice(provider, input) {
    try {
      return await processUserCodeResponse(
        await userCodeRequest({ ...input, provider }),
        provider,
        input.now,
      );
    } catch (error) {
      // A 404 is also what any web server says for a wrong issuer path: tell the two apart.
      if (
        isCodexOAuthError(error, ErrorCodes.DEVICE_LOGIN_DISABLED) &&
        (await looksLikeIssuer(input.fetch, provider, input.signal)) === false
      ) {
        throw notAnIssuerError(provider);
      }
      throw error;
    }
  },
  pollDevice: async (provider, input) =>
    processDevicePollResponse(await devicePollRequest({ ...input, provider })),
  finishDevice: (provider, input) =>
    exchangeDeviceGrant({ ...input, provider, grant: input.done as DeviceGrant }),
  deviceExchange: true,
  slowDown: slowDownOpenAI,
};
