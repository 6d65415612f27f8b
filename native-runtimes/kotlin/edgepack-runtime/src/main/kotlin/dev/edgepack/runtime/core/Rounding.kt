package dev.edgepack.runtime.core

/** Python 3's round(): halves go to the even neighbour, so letterbox sizes match Ultralytics to the pixel. */
internal fun pythonRound(value: Double): Int = Math.rint(value).toInt()

/** `value` to `digits` decimals with JavaScript's Math.round (halves up): how every prediction number is rounded. */
fun roundTo(value: Double, digits: Int): Double {
    val f = Math.pow(10.0, digits.toDouble())
    return jsRound(value * f) / f
}

/** JavaScript's Math.round: the nearest integer, halves toward +∞ (Java's Math.round, kept as a double). */
internal fun jsRound(value: Double): Double {
    if (!value.isFinite() || Math.abs(value) >= 4.503599627370496E15) return value
    return Math.round(value).toDouble()
}
