/** The advice views' pure logic: live chat events merged into a thread and a queue; who may edit a guide. */
import {
  mergeConversation,
  mergeMessage,
  type ChatMessage,
  type Conversation,
} from '../../ui/src/views/knowledge/knowledge';
import { canEditGuide, ownGuideAuthority } from '../../ui/src/views/knowledge/guides';

const message = (id: string, at: string, side: ChatMessage['side'] = 'customer'): ChatMessage => ({
  id,
  conversationId: 'c1',
  authorName: 'X',
  side,
  body: id,
  createdAt: at,
});
const conversation = (id: string, updatedAt: string, extra: Partial<Conversation> = {}): Conversation => ({
  id,
  customerId: 'u',
  projectId: null,
  topic: id,
  page: '/',
  handledBy: 'serviceDesk',
  authorityCode: null,
  status: 'open',
  createdAt: updatedAt,
  updatedAt,
  ...extra,
});

describe('mergeMessage', () => {
  it('adds a message once, in time order, whatever order the events and the read arrive in', () => {
    const a = message('a', '2026-11-23T10:00:00Z');
    const b = message('b', '2026-11-23T10:01:00Z', 'serviceDesk');
    const thread = mergeMessage(mergeMessage([b], a), b);
    expect(thread.map((m) => m.id)).toEqual(['a', 'b']);
    expect(mergeMessage(thread, undefined)).toBe(thread);
  });
});

describe('mergeConversation', () => {
  const list = [conversation('old', '2026-11-23T09:00:00Z'), conversation('mid', '2026-11-23T09:30:00Z')];

  it('moves the updated conversation to the top with its last message', () => {
    const merged = mergeConversation(list, {
      conversation: conversation('old', '2026-11-23T10:00:00Z'),
      message: message('m', '2026-11-23T10:00:00Z', 'authority'),
    });
    expect(merged.map((c) => c.id)).toEqual(['old', 'mid']);
    expect(merged[0]!.lastMessage?.side).toBe('authority');
  });

  it('adds a new one and drops one that no longer belongs in the queue', () => {
    const added = mergeConversation(list, { conversation: conversation('new', '2026-11-23T11:00:00Z') });
    expect(added.map((c) => c.id)).toEqual(['new', 'mid', 'old']);
    const handedAway = mergeConversation(
      added,
      { conversation: conversation('mid', '2026-11-23T12:00:00Z', { handledBy: 'authority', authorityCode: 'TUKES' }) },
      (c) => c.handledBy === 'serviceDesk',
    );
    expect(handedAway.map((c) => c.id)).toEqual(['new', 'old']);
  });
});

describe('canEditGuide', () => {
  const session = (role: string, authorityCode: string | null = null) => ({ user: { role, authorityCode } });

  it('mirrors the API: own authority, the desk for shared guides, ADMIN for all', () => {
    expect(canEditGuide(session('AUTHORITY', 'CITY-TRE'), 'CITY-TRE')).toBe(true);
    expect(canEditGuide(session('AUTHORITY', 'POLICE-SISA'), 'CITY-TRE')).toBe(false);
    expect(canEditGuide(session('SERVICE_DESK'), null)).toBe(true);
    expect(canEditGuide(session('SERVICE_DESK'), 'CITY-TRE')).toBe(false);
    expect(canEditGuide(session('ADMIN'), 'TUKES')).toBe(true);
    expect(canEditGuide(session('CUSTOMER'), null)).toBe(false);
    expect(canEditGuide(null, null)).toBe(false);
    expect(ownGuideAuthority(session('SUPERVISOR', 'CITY-TRE'))).toBe('CITY-TRE');
  });
});
