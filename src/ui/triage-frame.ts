/**
 * What every part of the triage screen shares: the terminal size, how many list rows fit, and
 * whether colour is on. Kept apart so the screens (list, details, key help) need not import
 * one another.
 */
import React from 'react';

/** False under --no-color / NO_COLOR: ink's own chalk only knows the --no-color flag. */
export const ColourContext = React.createContext(true);

/** The colour when colour is on, else nothing (inverse and bold still mark things). */
export function useColour(colour: string | undefined): string | undefined {
  return React.useContext(ColourContext) ? colour : undefined;
}

export function useColours(): (colour: string) => string | undefined {
  const on = React.useContext(ColourContext);
  return (colour) => (on ? colour : undefined);
}

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 10;
/** Lines around the list: title, column header, prompt/message, key hint. */
export const CHROME = 4;

export interface Size {
  columns: number;
  rows: number;
}

/** Rows of the list that fit on screen. */
export function listHeight(size: Size): number {
  return Math.max(1, size.rows - CHROME - 1);
}

/** Lines inside a bordered box (details, key help) that fit on screen. */
export function boxHeight(size: Size): number {
  return Math.max(1, size.rows - CHROME - 2);
}
