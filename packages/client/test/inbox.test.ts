import { streamConflationKey } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import { Inbox } from '../src/inbox.js';

interface Received {
  id: string;
  event: { type: string; data: unknown };
}

const upvoted = (id: number, questionId: string, upvoteCount: number): Received => ({
  id: String(id),
  event: { type: 'question:upvoted', data: { questionId, upvoteCount } },
});
const answered = (id: number, questionId: string): Received => ({
  id: String(id),
  event: { type: 'question:answered', data: { id: questionId, status: 'ANSWERED', responseText: '' } },
});

async function taken(inbox: Inbox<Received>): Promise<string[]> {
  const ids: string[] = [];
  for await (const received of inbox.values()) ids.push(received.id);
  return ids;
}

describe('the inbox between a stream and its consumer', () => {
  it('gives a consumer that fell behind only the newest count of each question, ids still rising', async () => {
    const inbox = new Inbox<Received>((received) => streamConflationKey(received.event));
    for (const received of [upvoted(1, 'a', 1), answered(2, 'a'), upvoted(3, 'b', 1), upvoted(4, 'a', 2)])
      inbox.push(received);
    inbox.end();
    expect(await taken(inbox)).toEqual(['2', '3', '4']);
  });

  it('still hands on every count the consumer keeps up with', async () => {
    const inbox = new Inbox<Received>((received) => streamConflationKey(received.event));
    const values = inbox.values();
    inbox.push(upvoted(1, 'a', 1));
    expect((await values.next()).value?.id).toBe('1');
    inbox.push(upvoted(2, 'a', 2));
    inbox.end();
    expect((await values.next()).value?.id).toBe('2');
    expect((await values.next()).done).toBe(true);
  });

  it('keeps everything without a key function', async () => {
    const inbox = new Inbox<Received>();
    for (const received of [upvoted(1, 'a', 1), upvoted(2, 'a', 2)]) inbox.push(received);
    inbox.end();
    expect(await taken(inbox)).toEqual(['1', '2']);
  });
});
