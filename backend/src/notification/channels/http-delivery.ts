import type { DeliveryResult } from '../channel';
import type { ChannelDeps } from './deps';
import { classifyError, classifyHttp, type ClassifyHttpOptions } from './http-result';

/** One JSON POST as an HTTP channel makes it. */
export interface JsonPost {
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutSeconds: number;
  /** Every secret the request carries (URL, key, signing secret), kept out of the reason. */
  secrets: readonly string[];
}

/** Sends one JSON POST and turns whatever happens into a DeliveryResult; never throws. */
export async function postJson(
  deps: ChannelDeps,
  post: JsonPost,
  opts: Pick<ClassifyHttpOptions, 'isSuccess' | 'retryStatuses'> = {}
): Promise<DeliveryResult> {
  try {
    const res = await deps.http.send({
      method: 'POST',
      url: post.url,
      headers: { 'content-type': 'application/json', ...post.headers },
      body: post.body,
      timeoutMs: post.timeoutSeconds * 1000,
    });
    return classifyHttp(res, { ...opts, secrets: post.secrets, now: deps.clock.now() });
  } catch (err) {
    return classifyError(err, post.secrets);
  }
}
