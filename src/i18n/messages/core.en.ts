// Sentences shared by every area: the language names themselves.
export const en = {
  languageName: (p: { lang: 'en' | 'ja' }) => (p.lang === 'ja' ? 'Japanese' : 'English'),
};
