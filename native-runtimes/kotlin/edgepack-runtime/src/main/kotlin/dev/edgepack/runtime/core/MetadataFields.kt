package dev.edgepack.runtime.core

/** Typed reads of one metadata.json document, each failure naming the file and the field's path (`a.b.0.c`). */
internal class MetadataFields(private val file: String, private val root: Map<String, Any?>) {
    fun has(path: String): Boolean = lookup(path) != null

    fun string(path: String): String = required(path) as? String ?: wrongType(path, "a string")

    fun number(path: String): Double = required(path) as? Double ?: wrongType(path, "a number")

    fun int(path: String): Int {
        val n = number(path)
        if (n != Math.rint(n) || Math.abs(n) > Int.MAX_VALUE) wrongType(path, "an integer")
        return n.toInt()
    }

    fun boolean(path: String): Boolean = required(path) as? Boolean ?: wrongType(path, "true or false")

    fun optionalBoolean(path: String): Boolean? = lookup(path)?.let { it as? Boolean ?: wrongType(path, "true or false") }

    fun list(path: String): List<Any?> = required(path) as? List<Any?> ?: wrongType(path, "an array")

    fun obj(path: String): Map<String, Any?> = asObject(required(path)) ?: wrongType(path, "an object")

    fun numbers(path: String, count: Int): DoubleArray {
        val values = list(path)
        if (values.size != count || values.any { it !is Double }) wrongType(path, "an array of $count numbers")
        return DoubleArray(count) { values[it] as Double }
    }

    fun <T> oneOf(path: String, choices: Map<String, T>): T {
        val value = string(path)
        return choices[value] ?: fail(
            "field \"$path\" is \"$value\", which this runtime does not know (expected one of ${choices.keys.joinToString()})",
        )
    }

    fun fail(why: String): Nothing = throw EdgepackError(
        EdgepackError.INVALID_MODEL_METADATA,
        "$file: $why.",
        "Use the metadata.json Edgepack wrote beside this model, unchanged.",
    )

    private fun required(path: String): Any = lookup(path) ?: fail("field \"$path\" is missing")

    private fun wrongType(path: String, expected: String): Nothing = fail("field \"$path\" must be $expected")

    private fun lookup(path: String): Any? {
        var node: Any? = root
        for (key in path.split('.')) {
            node = when (node) {
                is List<*> -> key.toIntOrNull()?.let { node.getOrNull(it) }
                else -> asObject(node)?.get(key)
            } ?: return null
        }
        return node
    }

    @Suppress("UNCHECKED_CAST")
    private fun asObject(value: Any?): Map<String, Any?>? = value as? Map<String, Any?>
}
