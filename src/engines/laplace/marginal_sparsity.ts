/**
 * Sparse finite-difference Hessians (Curtis, Powell & Reid 1974): columns that share no nonzero row
 * are perturbed together, so one pair of gradients gives all of them. Random intercepts of one factor
 * have a diagonal u-Hessian: 2 gradients instead of 2|u|.
 */

/** Columns perturbed together, and for each column the rows where it may be nonzero. */
export interface Coloring {
  readonly groups: readonly (readonly number[])[];
  readonly rows: readonly (readonly number[])[];
}

/** Every column alone, every entry computed: the plain 2|u|-gradient Hessian. */
export function denseColoring(q: number): Coloring {
  const all = Array.from({ length: q }, (_, i) => i);
  return { groups: all.map((j) => [j]), rows: all.map(() => all) };
}

/**
 * The nonzero pattern of a symmetric matrix (entries above 1e-10 sqrt(|P_ii P_jj|), the relative
 * noise of the differences being near 1e-11) and a greedy colouring of its columns: two columns
 * conflict when some row is nonzero in both, so that within a group each row's difference comes
 * from one column only.
 */
export function coloringOf(P: Float64Array[]): Coloring {
  const q = P.length;
  const rows = Array.from({ length: q }, (_, j) => {
    const out: number[] = [];
    for (let i = 0; i < q; i++) {
      if (i === j || Math.abs(P[i][j]) > 1e-10 * Math.sqrt(Math.abs(P[i][i] * P[j][j]))) out.push(i);
    }
    return out;
  });
  const groups: number[][] = [];
  const groupRows: Set<number>[] = [];
  for (let j = 0; j < q; j++) {
    const g = groupRows.findIndex((used) => !rows[j].some((i) => used.has(i)));
    if (g < 0) {
      groups.push([j]);
      groupRows.push(new Set(rows[j]));
    } else {
      groups[g].push(j);
      for (const i of rows[j]) groupRows[g].add(i);
    }
  }
  return { groups, rows };
}

/** Largest entry-wise difference between two matrices, relative to sqrt(|A_ii A_jj|). */
export function relativeDifference(A: Float64Array[], B: Float64Array[]): number {
  let worst = 0;
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < A.length; j++) {
      const scale = Math.sqrt(Math.abs(A[i][i] * A[j][j])) || 1;
      worst = Math.max(worst, Math.abs(A[i][j] - B[i][j]) / scale);
    }
  }
  return worst;
}
