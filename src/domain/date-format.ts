/**
 * Date formats a mapping file declares for a ledger export (`DD.MM.YYYY HH:mm:ss`): compiled
 * once per file into a parser from text to a wall time; time zones are applied by time.ts.
 */
import { checkWall, TimeError, type WallTime } from './time.js';

/** A compiled `dateFormat`: text -> wall time, plus whether the format carries a time of day. */
export interface DateFormat {
  readonly pattern: string;
  readonly hasTime: boolean;
  parse(text: string): WallTime;
}

const TOKEN = /YYYY|MM|M|DD|D|HH|H|mm|ss|SSS|\[[^\]]*\]|./g;
const TOKEN_RE: Record<string, [keyof WallTime | null, string]> = {
  YYYY: ['year', '(\\d{4})'],
  MM: ['month', '(\\d{2})'],
  M: ['month', '(\\d{1,2})'],
  DD: ['day', '(\\d{2})'],
  D: ['day', '(\\d{1,2})'],
  HH: ['hour', '(\\d{2})'],
  H: ['hour', '(\\d{1,2})'],
  mm: ['minute', '(\\d{2})'],
  ss: ['second', '(\\d{2})'],
  SSS: [null, '\\d{1,9}'],
};

/**
 * Compile a date format such as `DD.MM.YYYY HH:mm:ss` (tokens YYYY MM M DD D HH H mm ss SSS;
 * anything else, or text in [brackets], is literal). Throws TimeError when the format lacks
 * a year, month or day.
 */
export function compileDateFormat(pattern: string): DateFormat {
  const order: Array<keyof WallTime> = [];
  let re = '^';
  for (const tok of pattern.match(TOKEN) ?? []) {
    const known = TOKEN_RE[tok];
    if (known) {
      if (known[0]) {
        if (order.includes(known[0])) throw new TimeError(`date format "${pattern}" names the ${known[0]} twice`);
        order.push(known[0]);
      }
      re += known[1];
    } else {
      const lit = tok.startsWith('[') ? tok.slice(1, -1) : tok;
      re += lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  for (const need of ['year', 'month', 'day'] as const) {
    if (!order.includes(need)) {
      throw new TimeError(`date format "${pattern}" has no ${need}; expected tokens like DD.MM.YYYY HH:mm:ss`);
    }
  }
  const regex = new RegExp(re + '$');
  return {
    pattern,
    hasTime: order.includes('hour'),
    parse(text: string): WallTime {
      const m = regex.exec(text.trim());
      if (!m) throw new TimeError(`expected a date like ${pattern}, found "${text}"`);
      const w: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
      for (let i = 0; i < order.length; i++) w[order[i]] = Number(m[i + 1]);
      checkWall(w, text);
      return w;
    },
  };
}
