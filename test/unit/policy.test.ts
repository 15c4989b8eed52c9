/** The authorisation rules of api/auth/policy.ts, each with an actor that passes and one that does not. */
import {
  actingOrganisation,
  canCommandProject,
  canCommandSection,
  canCommandSupervision,
  canCreateProject,
  canManageMandates,
  canMarkViewed,
  canOverrideForecast,
  canReadAudit,
  canReadProject,
  canReadRiskReports,
  canReadSecurityEvents,
  canReadSite,
  canReadTradeSecrets,
  canReportSupervision,
  onBehalfOf,
  projectScope,
  siteScope,
  type ProjectFacts,
  type SiteFacts,
} from '../../api/auth/policy';

import {
  ORG,
  OTHER_ORG,
  POLICE,
  CITY,
  RESCUE,
  agent,
  agentWithoutMandate,
  admin,
  city,
  customer,
  otherCustomer,
  police,
  rescue,
  resident,
  serviceDesk,
  supervisor,
} from '../support/actors';

const project: ProjectFacts = { organisationId: ORG, authorityIds: [POLICE.id, CITY.id] };
const own = (permitType: string) => permitType === 'public-event';

describe('reading a project', () => {
  it.each([
    ['its customer', customer, true],
    ['an agent with a permits mandate', agent(['permits']), true],
    ['an administrator', admin, true],
    ['the shared service desk', serviceDesk, true],
    ['an authority involved', police, true],
    ['another organisation', otherCustomer, false],
    ['an agent whose mandate covers only supervision', agent(['supervision']), false],
    ['an agent without a mandate', agentWithoutMandate, false],
    ['an authority not involved', rescue, false],
    ['a resident', resident, false],
    ['the public', null, false],
  ])('%s: %s', (_who, who, allowed) => {
    expect(canReadProject(who, project)).toBe(allowed);
  });

  it('trade secrets: owner and authorities, not the service desk or others', () => {
    expect(canReadTradeSecrets(customer, project)).toBe(true);
    expect(canReadTradeSecrets(agent(['permits']), project)).toBe(true);
    expect(canReadTradeSecrets(police, project)).toBe(true);
    expect(canReadTradeSecrets(serviceDesk, project)).toBe(false);
    expect(canReadTradeSecrets(rescue, project)).toBe(false);
    expect(canReadTradeSecrets(null, project)).toBe(false);
  });

  it('scopes listings by organisation, mandate or authority', () => {
    expect(projectScope(customer)).toEqual({ organisationId: ORG });
    expect(projectScope(agent(['permits']))).toEqual({ organisationId: ORG });
    expect(projectScope(agentWithoutMandate)).toEqual({ none: true });
    expect(projectScope(police)).toEqual({ authorityId: POLICE.id });
    expect(projectScope(serviceDesk)).toEqual({ all: true });
    expect(projectScope(resident)).toEqual({ none: true });
    expect(projectScope(null)).toEqual({ none: true });
  });
});

describe('acting on a project', () => {
  it('creates projects only for the organisation acted for', () => {
    expect(canCreateProject(customer, ORG)).toBe(true);
    expect(canCreateProject(customer, OTHER_ORG)).toBe(false);
    expect(canCreateProject(agent(['permits']), ORG)).toBe(true);
    expect(canCreateProject(agent(['supervision']), ORG)).toBe(false);
    expect(canCreateProject(police, ORG)).toBe(false);
  });

  it('customer commands are the customer side only', () => {
    for (const action of ['answerAdvice', 'saveDraft', 'submit', 'cancel']) {
      expect(canCommandProject(customer, project, { action }, own)).toBe(true);
      expect(canCommandProject(agent(['permits']), project, { action }, own)).toBe(true);
      expect(canCommandProject(police, project, { action }, own)).toBe(false);
      expect(canCommandProject(serviceDesk, project, { action }, own)).toBe(false);
    }
  });

  it('either side edits the kickoff agenda; an unknown action is refused to everyone', () => {
    expect(canCommandProject(customer, project, { action: 'editAgenda' }, own)).toBe(true);
    expect(canCommandProject(city, project, { action: 'editAgenda' }, own)).toBe(true);
    expect(canCommandProject(rescue, project, { action: 'editAgenda' }, own)).toBe(false);
    expect(canCommandProject(admin, project, { action: 'dropTables' }, own)).toBe(false);
  });

  it('an authority confirms only for itself and receives only its own permits', () => {
    expect(canCommandProject(police, project, { action: 'confirmKickoff', authorityCode: POLICE.code }, own)).toBe(
      true,
    );
    expect(canCommandProject(police, project, { action: 'confirmKickoff', authorityCode: CITY.code }, own)).toBe(false);
    const receipt = (permitType: string) => ({ action: 'confirmReceipt', permitType });
    expect(canCommandProject(police, project, receipt('public-event'), own)).toBe(true);
    expect(canCommandProject(police, project, receipt('noise'), own)).toBe(false);
    expect(canCommandProject(customer, project, receipt('public-event'), own)).toBe(false);
  });

  it('a section is processed by its own authority; the customer answers, replies and reviews', () => {
    expect(canCommandSection(police, project, POLICE.id, { action: 'proposeDraft' })).toBe(true);
    expect(canCommandSection(city, project, POLICE.id, { action: 'proposeDraft' })).toBe(false);
    expect(canCommandSection(police, project, POLICE.id, { action: 'requestInfo', authorityCode: POLICE.code })).toBe(
      true,
    );
    expect(canCommandSection(police, project, POLICE.id, { action: 'requestInfo', authorityCode: CITY.code })).toBe(
      false,
    );
    expect(canCommandSection(customer, project, POLICE.id, { action: 'answerInfo' })).toBe(true);
    expect(canCommandSection(customer, project, POLICE.id, { action: 'decide' })).toBe(false);
    expect(canCommandSection(otherCustomer, project, POLICE.id, { action: 'answerInfo' })).toBe(false);
    expect(canCommandSection(police, project, POLICE.id, { action: 'answerInfo' })).toBe(false);
    expect(canCommandSection(police, project, POLICE.id, { action: 'comment' })).toBe(false);
  });

  it('forecasts and viewed marks: the own authority only', () => {
    expect(canOverrideForecast(police, POLICE.id)).toBe(true);
    expect(canOverrideForecast(city, POLICE.id)).toBe(false);
    expect(canOverrideForecast(customer, POLICE.id)).toBe(false);
    expect(canMarkViewed(police, project, POLICE.code)).toBe(true);
    expect(canMarkViewed(police, project, CITY.code)).toBe(false);
    expect(canMarkViewed(rescue, project, RESCUE.code)).toBe(false);
  });
});

describe('mandates', () => {
  it('an agent acts for the mandating organisation, within scope, recorded as on behalf of', () => {
    expect(actingOrganisation(agent(['permits']), 'permits')).toBe(ORG);
    expect(actingOrganisation(agent(['permits']), 'supervision')).toBeNull();
    expect(onBehalfOf(agent(['permits']))).toBe(ORG);
    expect(onBehalfOf(customer)).toBeNull();
  });

  it('only the organisation itself grants and revokes mandates, never an agent', () => {
    expect(canManageMandates(customer, ORG)).toBe(true);
    expect(canManageMandates(otherCustomer, ORG)).toBe(false);
    expect(canManageMandates(agent(['permits']), ORG)).toBe(false);
    expect(canManageMandates(admin, ORG)).toBe(false);
  });
});

describe('supervision', () => {
  const site: SiteFacts = { organisationId: ORG, authorityCode: CITY.code };
  const unsupervised: SiteFacts = { organisationId: ORG, authorityCode: null };

  it('the site is read by its company, its supervising authority and administrators', () => {
    expect(canReadSite(customer, site)).toBe(true);
    expect(canReadSite(agent(['supervision']), site)).toBe(true);
    expect(canReadSite(agent(['permits']), site)).toBe(false);
    expect(canReadSite(supervisor, site)).toBe(true);
    expect(canReadSite(police, site)).toBe(false);
    expect(canReadSite(police, unsupervised)).toBe(true);
    expect(canReadSite(otherCustomer, site)).toBe(false);
    expect(canReadSite(null, site)).toBe(false);
    expect(siteScope(resident)).toEqual({ none: true });
    expect(siteScope(supervisor)).toEqual({ all: true });
  });

  it('the company edits the agenda and sends evidence; everything else is the supervisor', () => {
    expect(canCommandSupervision(customer, site, 'submitEvidence')).toBe(true);
    expect(canCommandSupervision(customer, site, 'recordInspection')).toBe(false);
    expect(canCommandSupervision(supervisor, site, 'recordInspection')).toBe(true);
    expect(canCommandSupervision(police, site, 'recordInspection')).toBe(false);
  });

  it('anyone reports a citizen observation; the company and supervisor the rest', () => {
    expect(canReportSupervision(null, site, 'citizenObservation')).toBe(true);
    expect(canReportSupervision(null, site, 'incident')).toBe(false);
    expect(canReportSupervision(resident, site, 'selfMonitoring')).toBe(false);
    expect(canReportSupervision(customer, site, 'selfMonitoring')).toBe(true);
    expect(canReportSupervision(supervisor, site, 'incident')).toBe(true);
  });

  it('risk reports and the audit log', () => {
    expect(canReadRiskReports(supervisor)).toBe(true);
    expect(canReadRiskReports(admin)).toBe(true);
    expect(canReadRiskReports(customer)).toBe(false);
    expect(canReadRiskReports(serviceDesk)).toBe(false);
    expect(canReadAudit(admin)).toBe(true);
    expect(canReadAudit(police)).toBe(false);
    expect(canReadSecurityEvents(admin)).toBe(true);
    expect([police, serviceDesk, customer, null].map(canReadSecurityEvents)).toEqual([false, false, false, false]);
  });
});
