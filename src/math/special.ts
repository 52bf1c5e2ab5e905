/**
 * Special functions in float64 for the host side of the engines (log densities checked on the host,
 * diagnostics, PSIS). Pure functions, no dependencies.
 */

const LOG_SQRT_2PI = 0.9189385332046727; // log(sqrt(2 pi))

/**
 * Taylor coefficients of log Gamma(2 + z) about z = 0:
 *   log Gamma(2 + z) = (1 - gamma) z + sum_{k >= 2} (-1)^k (zeta(k) - 1) / k * z^k.
 * (From log Gamma(1 + z) = -gamma z + sum_k zeta(k) (-z)^k / k plus log(1 + z).) Because zeta(k) - 1 ~ 2^-k
 * the series converges for |z| < 2; on |z| <= 1/2 the terms fall like 4^-k, so 28 terms reach float64.
 * Expanding about 2 (not 1) keeps the expansion well conditioned near both zeros of log Gamma: the zero
 * at 2 is the z = 0 end of this series, and the one at 1 follows by log Gamma(1 + z) = log Gamma(2 + z) -
 * log1p(z), a difference of two terms of opposite slope (0.42 z and z), so no catastrophic cancellation.
 * Values: (-1)^k (zeta(k) - 1) / k evaluated with mpmath at 40 digits.
 */
const LGAMMA2_SERIES = [
  0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986,
  0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939,
  9.945751278180853e-5, -4.492623673813314e-5, 2.050721277567069e-5, -9.439488275268397e-6,
  4.374866789907488e-6, -2.039215753801366e-6, 9.55141213040742e-7, -4.492469198764566e-7,
  2.1207184805554665e-7, -1.0043224823968099e-7, 4.7698101693639804e-8, -2.2711094608943164e-8,
  1.0838659214896955e-8, -5.183475041970047e-9, 2.4836745438024785e-9, -1.1921401405860912e-9,
  5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
];

/** log Gamma(2 + z) for |z| <= 1/2 (Horner on the series above; the constant term is 0). */
function lgamma2p(z: number): number {
  let acc = 0;
  for (let k = LGAMMA2_SERIES.length - 1; k >= 0; k--) acc = acc * z + LGAMMA2_SERIES[k];
  return acc * z;
}

/** log Gamma(1 + z) for |z| <= 1/2: log Gamma(2 + z) - log(1 + z). */
function lgamma1p(z: number): number {
  return lgamma2p(z) - Math.log1p(z);
}

/**
 * Stirling's series for x >= 10: (x - 1/2) log x - x + log sqrt(2 pi) + sum_k B_2k / (2k (2k - 1) x^(2k - 1)).
 * At x = 10 the eighth term is 3e-17, below float64 resolution of lgamma(10) = 12.8.
 */
function lgammaStirling(x: number): number {
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingSeries(x);
}

/** The series of Stirling's formula alone, sum_k B_2k / (2k (2k - 1) x^(2k - 1)), for x >= 10. */
function stirlingSeries(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}

/** The derivative of stirlingSeries, -sum_k B_2k / (2k x^2k) (digamma's asymptotic series), for x >= 10. */
function stirlingSeriesDerivative(x: number): number {
  const r2 = 1 / (x * x);
  return -r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132 - r2 * (691 / 32760 - r2 / 12))))));
}

/** Counts up to this are summed term by term in lgammaRatio (at most this many log1p). */
const RATIO_TERMS = 16;

/** (1 + x) log1p(x) - x, by its series sum_{n >= 2} (-1)^n x^n / (n (n - 1)) for small x (no cancellation). */
function onePlusXLog1pMinusX(x: number): number {
  if (Math.abs(x) >= 0.1) return (1 + x) * Math.log1p(x) - x;
  let term = x;
  let s = 0;
  for (let n = 2; n < 20; n++) {
    term *= -x;
    s += term / (n * (n - 1));
  }
  return -s;
}

/** log1p(x) - x, by its series sum_{n >= 2} (-1)^(n + 1) x^n / n for small x. */
function log1pMinusX(x: number): number {
  if (Math.abs(x) >= 0.1) return Math.log1p(x) - x;
  let term = x;
  let s = 0;
  for (let n = 2; n < 20; n++) {
    term *= -x;
    s += term / n;
  }
  return s;
}

/**
 * log(Gamma(y + phi) / (Gamma(phi) phi^y)) for y >= 0 and phi > 0: the count-dependent part of the
 * negative binomial's normaliser, which tends to 0 as phi grows (the Poisson limit). Written as
 * lgamma(y + phi) - lgamma(phi) - y log(phi) it is a difference of numbers near phi log(phi): at phi = 2e7
 * each row carries an error of 1e-7, and the gradient in log(phi), a sum of such differences times phi,
 * was noise of several units, so a maximum likelihood fit of a count without overdispersion wandered.
 * Here: 0 for y = 0 (most rows of a single-cell gene); for a small integer y the exact sum
 * sum_{k < y} log1p(k / phi); for phi >= 10 Stirling's formula, whose leading terms combine into
 * phi ((1 + x) log1p(x) - x) - log1p(x) / 2 with x = y / phi, each piece without cancellation; else the
 * lgamma difference, well conditioned there.
 */
export function lgammaRatio(y: number, phi: number): number {
  if (y === 0) return 0;
  if (y <= RATIO_TERMS && Number.isInteger(y) && y > 0) {
    let s = 0;
    for (let k = 1; k < y; k++) s += Math.log1p(k / phi);
    return s;
  }
  if (phi >= 10 && y > 0) {
    const x = y / phi;
    return phi * onePlusXLog1pMinusX(x) - 0.5 * Math.log1p(x) + stirlingSeries(phi + y) - stirlingSeries(phi);
  }
  return lgamma(y + phi) - lgamma(phi) - y * Math.log(phi);
}

/** d lgammaRatio(y, phi) / d phi = digamma(y + phi) - digamma(phi) - y / phi, by the same cases. */
export function lgammaRatioDphi(y: number, phi: number): number {
  if (y === 0) return 0;
  if (y <= RATIO_TERMS && Number.isInteger(y) && y > 0) {
    let s = 0;
    for (let k = 1; k < y; k++) s -= k / (phi * (phi + k));
    return s;
  }
  if (phi >= 10 && y > 0) {
    const x = y / phi;
    return log1pMinusX(x) + (0.5 * x) / (phi + y) + stirlingSeriesDerivative(phi + y) - stirlingSeriesDerivative(phi);
  }
  return digamma(y + phi) - digamma(phi) - y / phi;
}

/**
 * The first three derivatives of lgammaRatio(y, e^t) in t = log(phi), into out[0..2]. For a small whole
 * y, lgammaRatio = sum_{k < y} log(1 + k e^-t), so they are the exact sums of -k / (phi + k),
 * k phi / (phi + k)^2 and k phi (k - phi) / (phi + k)^3, every one without cancellation however large phi
 * is. Otherwise from the derivatives in phi, D1 (lgammaRatioDphi), D2 = trigamma(y + phi) - trigamma(phi)
 * + y / phi^2 and D3 = tetragamma(y + phi) - tetragamma(phi) - 2 y / phi^3, as phi D1, phi D1 + phi^2 D2
 * and phi D1 + 3 phi^2 D2 + phi^3 D3, D2 and D3 for phi >= 10 by polygammaRatios (the differences of
 * polygammas lose every digit as phi grows).
 */
export function lgammaRatioLogPhi(y: number, phi: number, out: Float64Array): void {
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  if (y > 0 && y <= RATIO_TERMS && Number.isInteger(y)) {
    for (let k = 1; k < y; k++) {
      const r = 1 / (phi + k);
      d1 -= k * r;
      d2 += k * phi * r * r;
      d3 += k * phi * (k - phi) * r * r * r;
    }
  } else if (y !== 0) {
    const D1 = lgammaRatioDphi(y, phi);
    const [D2, D3] = phi >= 10 ? polygammaRatios(y, phi) : [trigamma(y + phi) - trigamma(phi) + y / (phi * phi), tetragamma(y + phi) - tetragamma(phi) - (2 * y) / (phi * phi * phi)];
    d1 = phi * D1;
    d2 = d1 + phi * phi * D2;
    d3 = d1 + 3 * phi * phi * D2 + phi * phi * phi * D3;
  }
  out[0] = d1;
  out[1] = d2;
  out[2] = d3;
}

/** Coefficients of x^-n in trigamma's asymptotic series (1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)), n = 2.. (n = 1 is taken apart). */
const TRIGAMMA_SERIES = [0.5, 1 / 6, 0, -1 / 30, 0, 1 / 42, 0, -1 / 30, 0, 5 / 66, 0, -691 / 2730];
/** The same for tetragamma (its derivative), n = 3.. (n = 2 is taken apart). */
const TETRAGAMMA_SERIES = [-1, -1 / 2, 0, 1 / 6, 0, -1 / 6, 0, 3 / 10, 0, -5 / 6, 0, 691 / 210];

/**
 * D2 = trigamma(y + phi) - trigamma(phi) + y / phi^2 and D3 = tetragamma(y + phi) - tetragamma(phi)
 * - 2 y / phi^3 for phi >= 10, from the asymptotic series term by term: each difference of powers as
 * (phi + y)^-n - phi^-n = phi^-n expm1(-n log1p(y / phi)), and the leading terms with the Poisson limit's
 * folded in closed form (r^2 / ((1 + r) phi) and -(3 r^2 + 2 r^3) / ((1 + r)^2 phi^2), r = y / phi). The
 * polygamma differences lose every digit once phi passes 1e15 (phi^2 D2 came out 30 where it is 1e-15),
 * and a table of a gene's normaliser built on them oscillated by 0.05 between its nodes there: a fit of
 * Poisson counts climbed those bumps to phi = 1e17. Truncated after x^-13: 1e-15 of the terms at phi = 10.
 */
function polygammaRatios(y: number, phi: number): [number, number] {
  const r = y / phi;
  const l = Math.log1p(r);
  let D2 = (r * r) / ((1 + r) * phi);
  let D3 = -(r * r * (3 + 2 * r)) / ((1 + r) * (1 + r) * phi * phi);
  let power = 1 / phi;
  for (let n = 2; n <= 13; n++) {
    power /= phi;
    const c = TRIGAMMA_SERIES[n - 2];
    if (c !== 0) D2 += c * power * Math.expm1(-n * l);
    const e = n >= 3 ? TETRAGAMMA_SERIES[n - 3] : 0;
    if (e !== 0) D3 += e * power * Math.expm1(-n * l);
  }
  // tetragamma's last term, n = 14.
  D3 += TETRAGAMMA_SERIES[11] * (power / phi) * Math.expm1(-14 * l);
  return [D2, D3];
}

/** d lgammaRatio(y, phi) / d y = digamma(y + phi) - log(phi) (a count is data; this is for completeness of the tape). */
export function lgammaRatioDy(y: number, phi: number): number {
  return digamma(y + phi) - Math.log(phi);
}

/** sin(pi x) with exact argument reduction, so that sinPi(n) is exactly 0 for integers n. */
function sinPi(x: number): number {
  const n = Math.round(2 * x);
  const r = x - n / 2; // exact: |r| <= 1/4
  const t = Math.PI * r;
  switch (((n % 4) + 4) % 4) {
    case 0:
      return Math.sin(t);
    case 1:
      return Math.cos(t);
    case 2:
      return -Math.sin(t);
    default:
      return -Math.cos(t);
  }
}

/** log Gamma(x) for x > 0. */
function lgammaPositive(x: number): number {
  if (x >= 10) return lgammaStirling(x);
  if (x < 0.5) return lgamma1p(x) - Math.log(x); // Gamma(x) = Gamma(1 + x) / x
  if (x < 1.5) return lgamma1p(x - 1); // x - 1 is exact here (Sterbenz)
  if (x < 2.5) return lgamma2p(x - 2);
  // Shift down into [1.5, 2.5): Gamma(x) = (x - 1)(x - 2)...(x - n) Gamma(x - n); at most 8 factors, no overflow.
  let product = 1;
  let y = x;
  while (y >= 2.5) {
    y -= 1;
    product *= y;
  }
  return Math.log(product) + lgamma2p(y - 2);
}

/**
 * log |Gamma(x)| in float64: relative error about 1e-15 on (0, 1e6] (tested against mpmath), exactly 0 at 1
 * and 2. Negative non-integers use the reflection Gamma(x) Gamma(1 - x) = pi / sin(pi x); poles (0, -1, ...)
 * give +Infinity.
 */
export function lgamma(x: number): number {
  // The commonest argument by far: -lgamma(y + 1) of a zero or one count.
  if (x === 1 || x === 2) return 0;
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x > 0) return lgammaPositive(x);
  const s = sinPi(x);
  if (s === 0) return Infinity;
  return Math.log(Math.PI / Math.abs(s)) - lgammaPositive(1 - x);
}

/**
 * Digamma psi(x) = d/dx log Gamma(x). For x > 0: shift up with psi(x) = psi(x + 1) - 1/x until x >= 10,
 * then the asymptotic series log x - 1/(2x) - sum_k B_2k / (2k x^2k). Negative non-integers use the
 * reflection psi(x) = psi(1 - x) - pi / tan(pi x); poles give NaN (the sign of the infinity is undefined).
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    const s = sinPi(x);
    if (s === 0) return NaN;
    return digamma(1 - x) - (Math.PI * sinPi(x + 0.5)) / s; // pi cot(pi x), reduced exactly
  }
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += 1 / y;
    y += 1;
  }
  const r2 = 1 / (y * y);
  const series =
    r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132 - r2 * (691 / 32760 - r2 / 12))))));
  return Math.log(y) - 0.5 / y - series - shift;
}

/**
 * Trigamma psi'(x) for x > 0: shift up with psi'(x) = psi'(x + 1) + 1/x^2 until x >= 10, then the
 * asymptotic series 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1). NaN for x <= 0 (not needed: the arguments
 * of lgamma in the catalog's kernels are positive).
 */
export function trigamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x === Infinity) return 0;
  const { shift, y } = upToTen(x, (v) => 1 / (v * v));
  const r = 1 / y;
  const r2 = r * r;
  const series = r2 * r * (1 / 6 - r2 * (1 / 30 - r2 * (1 / 42 - r2 * (1 / 30 - r2 * (5 / 66 - r2 * (691 / 2730 - r2 * (7 / 6)))))));
  return shift + r + 0.5 * r2 + series;
}

/** The recurrence's sum of term(x) + term(x + 1) + ... up to the first argument y >= 10, where the asymptotic series take over. */
function upToTen(x: number, term: (v: number) => number): { shift: number; y: number } {
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += term(y);
    y += 1;
  }
  return { shift, y };
}

/** Tetragamma psi''(x) for x > 0: psi''(x) = psi''(x + 1) - 2/x^3, then the derivative of trigamma's series. */
export function tetragamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x === Infinity) return 0;
  const { shift, y } = upToTen(x, (v) => -2 / (v * v * v));
  const r = 1 / y;
  const r2 = r * r;
  const series = r2 * r2 * (-1 / 2 + r2 * (1 / 6 - r2 * (1 / 6 - r2 * (3 / 10 - r2 * (5 / 6 - r2 * (691 / 210 - r2 * (35 / 2)))))));
  return shift - r2 - r2 * r + series;
}

/** log(1 + exp(x)) (softplus) without overflow for large x or loss of precision for very negative x. */
export function log1pExp(x: number): number {
  if (x > 0) return x + Math.log1p(Math.exp(-x));
  return Math.log1p(Math.exp(x));
}

/**
 * log(1 - exp(a)) for a <= 0. Mächler (2012, "Accurately computing log(1 - exp(-|a|))"): near 0 the
 * difference 1 - exp(a) is formed by expm1, far from 0 log1p keeps the tiny exp(a) exact; the switch at
 * -log 2 is where both are accurate.
 */
export function log1mExp(a: number): number {
  if (a > 0) return NaN;
  if (a > -Math.LN2) return Math.log(-Math.expm1(a));
  return Math.log1p(-Math.exp(a));
}

/** log(sum(exp(xs))), shifting by the maximum. Empty or all -Infinity gives -Infinity. */
export function logSumExp(xs: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i])) return NaN;
    if (xs[i] > max) max = xs[i];
  }
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += Math.exp(xs[i] - max);
  return max + Math.log(sum);
}

/** The logistic function 1 / (1 + exp(-x)); exp is only ever taken of a non-positive number. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Alias of logistic under the name GLMs use for the inverse link. */
export const invLogit = logistic;

/**
 * The standard normal CDF, Phi(x) = erfc(-x / sqrt 2) / 2, with erfc by the Chebyshev-fitted rational of
 * Numerical Recipes (3rd ed., sec. 6.2.2, erfccheb): relative error below 1.2e-7 everywhere, enough for
 * a probability printed to three digits.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}
