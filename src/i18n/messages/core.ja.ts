import type { SameMessages } from '../message-type.ts';
import type { en as En } from './core.en.ts';

// 全領域で共有する文: 言語名。
export const ja: SameMessages<typeof En> = {
  languageName: (p) => (p.lang === 'ja' ? '日本語' : '英語'),
};
