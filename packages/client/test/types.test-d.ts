import type { EventPayload, Question } from '@pulsestage/contracts';
import { describe, expectTypeOf, it } from 'vitest';
import { createPulseStageClient, type ReceivedEvent, type StreamEvent } from '../src/index.js';

const client = createPulseStageClient({ baseUrl: 'http://localhost:3000', token: 'pst_example' });

describe('procedure types', () => {
  it('takes each procedure input as the router declares it', () => {
    expectTypeOf(client.question.submit.mutate).parameter(0).toHaveProperty('body').toEqualTypeOf<string>();
    expectTypeOf(client.question.submit.mutate).returns.resolves.toEqualTypeOf<Question>();

    // @ts-expect-error a question's body is text
    client.question.submit.mutate({ tenant: 'demo', body: 42 });
    // @ts-expect-error every tenant-scoped procedure needs the tenant
    client.question.answer.mutate({ questionId: 'id', responseText: 'Soon' });
    // @ts-expect-error the role of a service token is one of the tenant roles
    client.tenant.createServiceToken.mutate({ tenant: 'demo', name: 'bot', role: 'superuser' });
    // @ts-expect-error there is no such procedure
    client.question.delete.mutate({ tenant: 'demo', questionId: 'id' });
    // @ts-expect-error a query is not a mutation
    client.question.list.mutate({ tenant: 'demo' });
  });
});

describe('event types', () => {
  it('takes the subscription input and yields received events', () => {
    expectTypeOf(client.events({ tenant: 'demo' })).toEqualTypeOf<
      AsyncGenerator<ReceivedEvent, void, undefined>
    >();
    expectTypeOf<ReceivedEvent['event']>().toEqualTypeOf<StreamEvent>();

    // @ts-expect-error the stream needs the tenant
    client.events({ lastEventId: '42' });
    // @ts-expect-error a version is a number
    client.events({ tenant: 'demo', versions: { 'question:answered': 'two' } });
    // @ts-expect-error the id to resume after is a string, as the stream yields it
    client.events({ tenant: 'demo', lastEventId: 42 });
  });

  it('narrows each event by its type', () => {
    const narrow = (event: StreamEvent) => {
      if (event.type === 'question:answered') {
        expectTypeOf(event.data).toEqualTypeOf<EventPayload<'question:answered', 1>>();
        expectTypeOf(event.data.responseText).toBeString();
        // @ts-expect-error version 1 of question:answered has no answeredAt
        event.data.answeredAt;
      } else if (event.type === 'question:answered.v2') {
        expectTypeOf(event.data.answeredAt).toBeString();
      } else if (event.type === 'question:upvoted') {
        expectTypeOf(event.data).toEqualTypeOf<{ questionId: string; upvoteCount: number }>();
      } else if (event.type === 'stream:resync') {
        expectTypeOf(event.data).toEqualTypeOf<{ reason: string }>();
      }
    };
    expectTypeOf(narrow).parameter(0).toHaveProperty('tenantId').toBeString();
  });
});
