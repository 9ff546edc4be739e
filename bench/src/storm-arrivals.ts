/**
 * When each subscriber saw each question's upvote count change, kept without a row per subscriber and
 * event: a load process keeps, per question, the ids any of its connections received (ascending) and,
 * for each, when the last of its connections passed it; each connection keeps only its last id and
 * count per question. From that the harness answers "when had every subscriber received an event of
 * this question with an id ≥ X" for every mutation, and "how many subscribers end with a wrong count".
 *
 * It relies on two facts: a connection receives ids in ascending order (out-of-order deliveries are
 * counted by the load process and ignored here), and a load process reads its arrival clock in order,
 * so an arrival is never earlier than one recorded before it.
 */

/** What a `question:upvoted` event says. */
export interface Vote {
  questionId: string;
  upvoteCount: number;
}

/** The vote an event carries, or undefined for any other event. */
export function voteOf(data: string): Vote | undefined {
  try {
    const envelope = JSON.parse(data) as {
      type?: unknown;
      data?: { questionId?: unknown; upvoteCount?: unknown };
    };
    const payload = envelope.data;
    if (!String(envelope.type).startsWith('question:upvoted') || !payload) return undefined;
    const { questionId, upvoteCount } = payload;
    if (typeof questionId !== 'string' || typeof upvoteCount !== 'number') return undefined;
    return { questionId, upvoteCount };
  } catch {
    return undefined;
  }
}

/** One question as one load process saw it, for the harness. */
export interface QuestionArrivalReport {
  questionId: string;
  /** The question's event ids that reached at least one connection, ascending. */
  ids: number[];
  /**
   * For ids[k]: when the last connection to pass the ids in (ids[k-1], ids[k]] did so, i.e. received its
   * first id ≥ any of them (monotonic ms). Connections that never passed them are in `lastIds`.
   */
  passedAt: number[];
  /** [the last id a connection received, how many connections], ascending by id; none received: left out. */
  lastIds: [number, number][];
  /** [the last count a connection received, how many connections]; none received: left out. */
  lastCounts: [number, number][];
}

export interface VoteArrivalReport {
  /** The connections of the load process that opened (and so should have received everything). */
  connections: number;
  questions: QuestionArrivalReport[];
}

/** The first index whose value is ≥ `value` (`values.length` when none is). */
function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function tally(values: ArrayLike<number>, include: (index: number) => boolean): [number, number][] {
  const counts = new Map<number, number>();
  for (let index = 0; index < values.length; index++) {
    if (!include(index)) continue;
    const value = values[index] as number;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a - b);
}

class QuestionArrivals {
  readonly ids: number[] = [];
  readonly passedAt: number[] = [];
  readonly lastId: Float64Array;
  readonly lastCount: Float64Array;

  constructor(connections: number) {
    this.lastId = new Float64Array(connections);
    this.lastCount = new Float64Array(connections);
  }

  record(connection: number, id: number, count: number, at: number): void {
    const previous = this.lastId[connection] ?? 0;
    if (id <= previous) return;
    this.lastId[connection] = id;
    this.lastCount[connection] = count;
    for (let k = this.place(id); k >= 0 && (this.ids[k] as number) > previous; k--) {
      if ((this.passedAt[k] as number) < at) this.passedAt[k] = at;
    }
  }

  /**
   * The index of `id`, added if new. A new id inside the list splits the span of the next one: whoever
   * passed that span passed both parts at the same moment, so the new part starts with its time.
   */
  private place(id: number): number {
    const last = this.ids.length - 1;
    if (last >= 0 && this.ids[last] === id) return last;
    const index = last >= 0 && (this.ids[last] as number) < id ? last + 1 : lowerBound(this.ids, id);
    if (this.ids[index] === id) return index;
    this.ids.splice(index, 0, id);
    this.passedAt.splice(index, 0, this.passedAt[index] ?? 0);
    return index;
  }

  report(questionId: string): QuestionArrivalReport {
    const received = (connection: number) => (this.lastId[connection] ?? 0) > 0;
    return {
      questionId,
      ids: this.ids,
      passedAt: this.passedAt,
      lastIds: tally(this.lastId, received),
      lastCounts: tally(this.lastCount, received),
    };
  }
}

/** The load process's side: records every `question:upvoted` delivery. */
export class VoteArrivals {
  private readonly questions = new Map<string, QuestionArrivals>();

  constructor(private readonly connections: number) {}

  record(connection: number, vote: Vote, id: number, at: number): void {
    let question = this.questions.get(vote.questionId);
    if (!question) {
      question = new QuestionArrivals(this.connections);
      this.questions.set(vote.questionId, question);
    }
    question.record(connection, id, vote.upvoteCount, at);
  }

  report(connected: number): VoteArrivalReport {
    return {
      connections: connected,
      questions: [...this.questions].map(([questionId, question]) => question.report(questionId)),
    };
  }
}

interface IndexedQuestion extends QuestionArrivalReport {
  /** The distinct last ids of `lastIds`, ascending. */
  lastIdValues: number[];
  /** atOrAbove[k]: connections whose last id is ≥ lastIdValues[k]. */
  atOrAbove: number[];
}

/** The harness's side: every load process's reports, asked per mutation. */
export class ArrivalIndex {
  private readonly processes: { connections: number; questions: Map<string, IndexedQuestion> }[];

  constructor(reports: readonly VoteArrivalReport[]) {
    this.processes = reports
      .filter((report) => report.connections > 0)
      .map((report) => ({
        connections: report.connections,
        questions: new Map(report.questions.map((question) => [question.questionId, indexed(question)])),
      }));
  }

  /**
   * When every subscriber had received an event of the question with an id ≥ `eventId` (monotonic ms),
   * or undefined when some subscriber never did.
   */
  everyonePassed(questionId: string, eventId: number): number | undefined {
    let latest = Number.NEGATIVE_INFINITY;
    for (const { connections, questions } of this.processes) {
      const question = questions.get(questionId);
      if (!question) return undefined;
      const firstAtOrAbove = lowerBound(question.lastIdValues, eventId);
      if ((question.atOrAbove[firstAtOrAbove] ?? 0) < connections) return undefined;
      const span = lowerBound(question.ids, eventId);
      latest = Math.max(latest, question.passedAt[span] as number);
    }
    return latest;
  }

  /** Subscribers whose last count of the question is not `count` (one that received none shows 0). */
  wrongCounts(questionId: string, count: number): number {
    let wrong = 0;
    for (const { connections, questions } of this.processes) {
      const tallies = questions.get(questionId)?.lastCounts ?? [];
      const received = tallies.reduce((sum, [, connectionsWithIt]) => sum + connectionsWithIt, 0);
      const right =
        (tallies.find(([last]) => last === count)?.[1] ?? 0) + (count === 0 ? connections - received : 0);
      wrong += connections - right;
    }
    return wrong;
  }
}

function indexed(question: QuestionArrivalReport): IndexedQuestion {
  const atOrAbove = new Array<number>(question.lastIds.length + 1).fill(0);
  for (let k = question.lastIds.length - 1; k >= 0; k--)
    atOrAbove[k] = (atOrAbove[k + 1] as number) + (question.lastIds[k]?.[1] ?? 0);
  return { ...question, lastIdValues: question.lastIds.map(([id]) => id), atOrAbove };
}
