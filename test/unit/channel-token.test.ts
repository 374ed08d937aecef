import assert from 'node:assert/strict';
import { channelTokenMatches, hashChannelToken } from '../../functions/src/core/crypto/channelToken.js';

describe('push channel tokens (docs/behaviour.md#near-real-time-calendar)', () => {
  const token = 'Zr3kq0n9n2m1-secret_token_of_a_channel_AbCdEfGh';
  const stored = hashChannelToken(token);

  it('when a channel is recorded, then only a hash of its token is kept', () => {
    assert.notEqual(stored, token);
    assert.ok(!stored.includes(token));
    assert.equal(hashChannelToken(token), stored, 'the hash is stable');
  });

  it('when a notification carries the token, then it matches; any other token, a prefix, or none does not', () => {
    assert.equal(channelTokenMatches(token, stored), true);
    for (const other of [`${token}x`, token.slice(0, -1), '', token.toUpperCase()])
      assert.equal(channelTokenMatches(other, stored), false, other);
    assert.equal(channelTokenMatches(undefined, stored), false);
    assert.equal(channelTokenMatches(token, 'not-a-hash'), false, 'a malformed stored hash never matches');
  });
});
