/**
 * Built-in subject and body templates per category, used when a channel sets neither its own
 * nor a `by_category` entry. They use only built-in keywords; a keyword without a value for
 * an event renders empty, so the virus body still reads well for a product without %Scanner%.
 */

export interface TemplateTexts {
  readonly subject: string;
  readonly body: string;
}

const TAIL = `
Severity:  %Severity%
Category:  %Category%
Host:      %ComputerName%
Time:      %TimeStamp%
Rule:      %Rule%
Events:    %Count%

%Message%

--
eventgate notification %NotificationId%
`;

const GENERIC: TemplateTexts = {
  subject: '[%Severity%] %Category% on %ComputerName%: %Title%',
  body: `%Title%
${TAIL}`,
};

const BY_CATEGORY: Readonly<Record<string, TemplateTexts>> = {
  virus: {
    subject: '[%Severity%] Virus %VirusName% on %ComputerName%',
    body: `%Title%

Virus:     %VirusName%
Object:    %InfectedObject%
Scanner:   %Scanner%
${TAIL}`,
  },
  update: {
    subject: '[%Severity%] Update on %ComputerName%: %Title%',
    body: `%Title%

Program:   %ProgramName%
Error:     %ErrorDescription%
${TAIL}`,
  },
  'system-status': {
    subject: '[%Severity%] %ComputerName%: %Title%',
    body: `%Title%

Program:   %ProgramName%
Error:     %ErrorDescription%
${TAIL}`,
  },
  'smart-protection': {
    subject: '[%Severity%] Smart protection on %ComputerName%: %Title%',
    body: GENERIC.body,
  },
  'virtual-analyzer': {
    subject: '[%Severity%] Virtual analyzer on %ComputerName%: %Title%',
    body: GENERIC.body,
  },
};

/** The built-in templates for a category (the generic ones for `other` and added categories). */
export function defaultTemplates(category: string): TemplateTexts {
  return BY_CATEGORY[category] ?? GENERIC;
}

/** Every category that has its own built-in templates, plus `*` for the generic ones. */
export const DEFAULT_TEMPLATE_KEYS: readonly string[] = [...Object.keys(BY_CATEGORY), '*'];
