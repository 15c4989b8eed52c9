/** The permit-need questionnaire's client state (F04): which questions apply, kept across sign-in. */
export interface AdviceQuestion {
  key: string;
  type: 'choice' | 'boolean' | 'number' | 'text';
  labelFi: string;
  labelEn: string;
  options?: string[];
  askWhen?: { key: string; eq: unknown };
}
export type Answers = Record<string, string | number | boolean>;

/** The questions that apply to the answers so far, in order (event questions only for events, …). */
export const applicable = (questions: AdviceQuestion[], answers: Answers) =>
  questions.filter((q) => !q.askWhen || answers[q.askWhen.key] === q.askWhen.eq);

/** Answers that no longer apply (the user changed "event" to "facility") are dropped before sending. */
export function relevantAnswers(questions: AdviceQuestion[], answers: Answers): Answers {
  const keys = new Set(applicable(questions, answers).map((q) => q.key));
  return Object.fromEntries(Object.entries(answers).filter(([k, v]) => keys.has(k) && v !== ''));
}

const KEY = 'permit-advice';
export const saveAnswers = (answers: Answers) => sessionStorage.setItem(KEY, JSON.stringify(answers));
export function loadAnswers(): Answers | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Answers) : null;
  } catch {
    return null;
  }
}
