/**
 * Shapes the advice and knowledge views read from the API (api/knowledge.ts), and the little
 * pure logic they share: merging live chat events into a thread and a list. The guides' lists
 * and the search result come from the pure domain modules the API uses too.
 */
import type { GuideReason } from '../../../../domain/knowledge-guides';

export {
  COMPANY_SIZES,
  EVENT_SIZES,
  GUIDE_STEPS,
  INDUSTRIES,
  type GuideReason,
} from '../../../../domain/knowledge-guides';
export { SEARCH_KINDS, type SearchResult, type SnippetPart } from '../../../../domain/knowledge-search';

export interface ChatMessage {
  id: string;
  conversationId: string;
  authorName: string;
  side: 'customer' | 'serviceDesk' | 'authority' | 'system';
  body: string;
  createdAt: string;
}

export interface Conversation {
  id: string;
  customerId: string;
  projectId: string | null;
  topic: string;
  page: string;
  handledBy: 'serviceDesk' | 'authority';
  authorityCode: string | null;
  status: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  customerName?: string;
  lastMessage?: ChatMessage | null;
  messages?: ChatMessage[];
}

/** What a chat room event carries (kind 'chat'). */
export interface ChatEvent {
  conversation: Conversation;
  message?: ChatMessage;
}

/** The thread with the event's message added once, in time order. */
export function mergeMessage(messages: ChatMessage[], message: ChatMessage | undefined): ChatMessage[] {
  if (!message || messages.some((m) => m.id === message.id)) return messages;
  return [...messages, message].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * The list with the event's conversation updated or added, newest first; `keep` says whether
 * it still belongs in the list (a queue drops what was handed elsewhere or closed).
 */
export function mergeConversation(
  list: Conversation[],
  event: ChatEvent,
  keep: (c: Conversation) => boolean = () => true,
): Conversation[] {
  const updated = { ...event.conversation, lastMessage: event.message ?? null };
  const rest = list.filter((c) => c.id !== updated.id);
  const previous = list.find((c) => c.id === updated.id);
  const merged = previous ? { ...previous, ...updated } : updated;
  return (keep(merged) ? [merged, ...rest] : rest).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** A guide's editable fields. */
export interface GuideFields {
  step: string;
  permitTypes: string[];
  industries: string[];
  companySizes: string[];
  eventSizes: string[];
  titleFi: string;
  titleEn: string;
  bodyFi: string;
  bodyEn: string;
}

export interface Guide extends GuideFields {
  id: string;
  slug: string;
  authorityCode: string | null;
  version: number;
  updatedAt: string;
  specificity: number;
  reasons: GuideReason[];
}

export const AUTHORITY_CODES = ['CITY-TRE', 'POLICE-SISA', 'RESCUE-PIR', 'AVI-LSU', 'TUKES'] as const;
