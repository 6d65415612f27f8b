package dev.edgepack.runtime.core

/** A classifier's scores to probabilities and its top k (the reference's classify.ts, float32 where it is). */
internal object Classify {
    /** As they are when they already sum to 1, else through softmax (float32 results, as Float32Array.map gives). */
    fun probabilities(values: FloatArray): FloatArray {
        var sum = 0.0
        var allInRange = true
        for (v in values) {
            sum += v
            if (v < 0 || v > 1) allInRange = false
        }
        if (allInRange && Math.abs(sum - 1) < 1e-3) return values
        var max = Double.NEGATIVE_INFINITY
        for (v in values) max = maxOf(max, v.toDouble())
        val exps = FloatArray(values.size) { StrictMath.exp(values[it] - max).toFloat() }
        var total = 0.0
        for (e in exps) total += e
        return FloatArray(values.size) { (exps[it] / total).toFloat() }
    }

    /** The k most probable classes, highest first (ties: lower class id first); optionally only some classes. */
    fun topK(probabilities: FloatArray, k: Int, classes: Set<Int>?): List<Pair<Int, Double>> =
        probabilities.indices
            .filter { classes == null || it in classes }
            .map { it to probabilities[it].toDouble() }
            .sortedWith(compareByDescending<Pair<Int, Double>> { it.second }.thenBy { it.first })
            .take(maxOf(0, k))
}
