import assert from 'node:assert/strict';
import {
  log,
  REDACTED,
  redact,
  setLogSink,
  traceFromHeaders,
  withTrace,
} from '../../functions/src/logging.js';

function capture(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    fn();
  } finally {
    setLogSink(previous);
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('structured logging', () => {
  it('when a line is logged, then it is one JSON object with severity, message and time', () => {
    const [entry] = capture(() => log.warn('quota low', { userId: 'u1' }));
    assert.equal(entry?.severity, 'WARNING');
    assert.equal(entry?.message, 'quota low');
    assert.equal(entry?.userId, 'u1');
    assert.ok(!Number.isNaN(Date.parse(String(entry?.time))));
  });

  it('when fields carry secrets under sensitive keys, then their values are redacted at any depth', () => {
    const [entry] = capture(() =>
      log.info('token refreshed', {
        refresh_token: '1//0gAbCdEf',
        nested: { clientSecret: 'GOCSPX-secret', headers: { Authorization: 'Bearer abc' } },
        list: [{ access_token: 'ya29.a0AfH6' }],
        count: 3,
      }),
    );
    const text = JSON.stringify(entry);
    for (const secret of ['1//0gAbCdEf', 'GOCSPX-secret', 'Bearer abc', 'ya29.a0AfH6']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.equal((entry?.nested as Record<string, unknown> | undefined)?.clientSecret, REDACTED);
    assert.equal(entry?.count, 3);
  });

  it('when a message or error text contains a token, then the token is replaced', () => {
    const error = new Error('call failed with Authorization: Bearer ya29.zzz and refresh 1//abcdefghijklmno');
    const [entry] = capture(() => log.error('Bearer eyJhbGciOi.eyJzdWIiOi.sig happened', { error }));
    const text = JSON.stringify(entry);
    assert.ok(!text.includes('ya29.zzz'));
    assert.ok(!text.includes('1//abcdefghijklmno'));
    assert.ok(!text.includes('eyJhbGciOi'));
    assert.match(text, /call failed/);
  });

  it('when a line carries error codes, then they stay readable: a field named `code` is no secret', () => {
    const failure = Object.assign(new Error('Google answered 412'), {
      kind: 'precondition_failed',
      status: 412,
    });
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    const [entry] = capture(() =>
      log.warn('a record could not be synced', { code: 'google_precondition_failed', failure, grpc }),
    );
    assert.equal(entry?.code, 'google_precondition_failed');
    const failureField = entry?.failure as Record<string, unknown> | undefined;
    assert.equal(failureField?.kind, 'precondition_failed');
    assert.equal(failureField?.status, 412);
    assert.equal((entry?.grpc as Record<string, unknown> | undefined)?.code, 14);
    assert.doesNotMatch(JSON.stringify(entry), /REDACTED/);
  });

  it('when an OAuth authorization code appears as a URL query value or on its own, then it is hidden', () => {
    const authCode = '4/0AeanS0ZxYwVuTsRqPoNmLkJiHgFe';
    const [entry] = capture(() =>
      log.info('OAuth callback', {
        url: `https://example.test/oauthCallback?state=s1&code=${authCode}&scope=email`,
        query: { code: authCode, state: 's1' },
        redirect: 'https://example.test/cb#access_token=abcdef123456&token_type=Bearer',
      }),
    );
    const text = JSON.stringify(entry);
    assert.ok(!text.includes(authCode), text);
    assert.ok(!text.includes('abcdef123456'), text);
    assert.match(String(entry?.url), /state=s1&code=\[REDACTED\]&scope=email/);
    assert.equal((entry?.query as Record<string, unknown> | undefined)?.state, 's1');
  });

  it('when a value is cyclic, then redaction terminates', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    assert.deepEqual(redact(cyclic), { name: 'a', self: '[Circular]' });
  });

  it('when a request carries a trace header, then its lines carry Cloud Logging trace fields', () => {
    const context = traceFromHeaders('demo-p', {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const [entry] = capture(() => withTrace(context, () => log.info('inside request')));
    assert.equal(
      entry?.['logging.googleapis.com/trace'],
      'projects/demo-p/traces/0af7651916cd43dd8448eb211c80319c',
    );
    assert.equal(entry?.['logging.googleapis.com/spanId'], 'b7ad6b7169203331');
    const legacy = traceFromHeaders('demo-p', {
      'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1',
    });
    assert.equal(legacy.trace, 'projects/demo-p/traces/105445aa7843bc8bf206b12000100000');
  });
});
