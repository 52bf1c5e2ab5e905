/**
 * Column j of draws held as rows. A plain loop: `Float64Array.from(draws, (d) => d[j])` calls its
 * callback once per draw and cost a millisecond per column in a fresh process, as much as the
 * column's R-hat.
 */
export function column(rows: readonly ArrayLike<number>[], j: number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i][j];
  return out;
}
