package dev.edgepack.runtime.core

/**
 * A small JSON reader and writer for metadata.json and the prediction vocabulary: the JVM has no JSON in its
 * standard library (Android's org.json is not on it), and the core must run on both.
 * Objects read as LinkedHashMap (key order kept), arrays as List, numbers as Double, plus String, Boolean, null.
 */
object Json {
    fun parse(text: String, source: String = "JSON"): Any? = Reader(text, source).document()

    /** Compact JSON; numbers as JavaScript's JSON.stringify writes them for the values predictions hold. */
    fun write(value: Any?): String = StringBuilder().also { appendValue(it, value) }.toString()

    private fun appendValue(out: StringBuilder, value: Any?) {
        when (value) {
            null -> out.append("null")
            is String -> appendString(out, value)
            is Boolean -> out.append(value)
            is Int -> out.append(value)
            is Long -> out.append(value)
            is Number -> out.append(formatNumber(value.toDouble()))
            is Map<*, *> -> {
                out.append('{')
                value.entries.forEachIndexed { i, (k, v) ->
                    if (i > 0) out.append(',')
                    appendString(out, k.toString())
                    out.append(':')
                    appendValue(out, v)
                }
                out.append('}')
            }
            is Iterable<*> -> {
                out.append('[')
                value.forEachIndexed { i, v ->
                    if (i > 0) out.append(',')
                    appendValue(out, v)
                }
                out.append(']')
            }
            is IntArray -> appendValue(out, value.asList())
            else -> throw IllegalArgumentException("cannot write ${value::class.simpleName} as JSON")
        }
    }

    /** Shortest decimal that reads back as the same double, in plain notation where JavaScript uses it. */
    fun formatNumber(v: Double): String {
        require(v.isFinite()) { "JSON has no $v" }
        if (v == 0.0) return "0"
        if (v == Math.rint(v) && Math.abs(v) < 1e21) return java.math.BigDecimal(v).toPlainString()
        val shortest = java.math.BigDecimal(v.toString()).stripTrailingZeros()
        val magnitude = Math.abs(v)
        return if (magnitude >= 1e-6 && magnitude < 1e21) shortest.toPlainString() else jsExponent(shortest)
    }

    private fun jsExponent(d: java.math.BigDecimal): String {
        val text = d.toString().replace("E+", "e+").replace("E-", "e-")
        return if ('e' in text) text else "${text}e+0"
    }

    private fun appendString(out: StringBuilder, s: String) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c == '\b' -> out.append("\\b")
                c == '\u000c' -> out.append("\\f")
                c < ' ' -> out.append(String.format("\\u%04x", c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    private class Reader(private val text: String, private val source: String) {
        private var at = 0

        fun document(): Any? {
            val value = value()
            skipSpace()
            if (at != text.length) fail("unexpected text after the JSON value")
            return value
        }

        private fun value(): Any? {
            skipSpace()
            if (at >= text.length) fail("unexpected end of text")
            return when (text[at]) {
                '{' -> obj()
                '[' -> array()
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        private fun obj(): Map<String, Any?> {
            val map = LinkedHashMap<String, Any?>()
            at++
            skipSpace()
            if (peek() == '}') return map.also { at++ }
            while (true) {
                skipSpace()
                if (peek() != '"') fail("expected a quoted key")
                val key = string()
                skipSpace()
                expect(':')
                map[key] = value()
                skipSpace()
                if (peek() == ',') at++ else return map.also { expect('}') }
            }
        }

        private fun array(): List<Any?> {
            val list = ArrayList<Any?>()
            at++
            skipSpace()
            if (peek() == ']') return list.also { at++ }
            while (true) {
                list.add(value())
                skipSpace()
                if (peek() == ',') at++ else return list.also { expect(']') }
            }
        }

        private fun string(): String {
            at++
            val out = StringBuilder()
            while (true) {
                if (at >= text.length) fail("unterminated string")
                val c = text[at++]
                when {
                    c == '"' -> return out.toString()
                    c == '\\' -> out.append(escape())
                    c < ' ' -> fail("control character in a string")
                    else -> out.append(c)
                }
            }
        }

        private fun escape(): Char {
            if (at >= text.length) fail("unterminated escape")
            return when (val e = text[at++]) {
                '"' -> '"'
                '\\' -> '\\'
                '/' -> '/'
                'b' -> '\b'
                'f' -> '\u000c'
                'n' -> '\n'
                'r' -> '\r'
                't' -> '\t'
                'u' -> {
                    if (at + 4 > text.length) fail("short \\u escape")
                    val code = text.substring(at, at + 4).toIntOrNull(16) ?: fail("bad \\u escape")
                    at += 4
                    code.toChar()
                }
                else -> fail("unknown escape \\$e")
            }
        }

        private fun number(): Double {
            val start = at
            if (peek() == '-') at++
            while (at < text.length && (text[at].isDigit() || text[at] in ".eE+-")) at++
            val token = text.substring(start, at)
            if (!NUMBER.matches(token)) fail(if (token.isEmpty()) "unexpected character '${text[start]}'" else "bad number '$token'")
            return token.toDouble()
        }

        private fun literal(word: String, value: Any?): Any? {
            if (!text.startsWith(word, at)) fail("unexpected character '${text[at]}'")
            at += word.length
            return value
        }

        private fun peek(): Char? = if (at < text.length) text[at] else null

        private fun expect(c: Char) {
            if (peek() != c) fail("expected '$c'")
            at++
        }

        private fun skipSpace() {
            while (at < text.length && text[at] in " \t\r\n") at++
        }

        private fun fail(why: String): Nothing {
            val line = text.substring(0, minOf(at, text.length)).count { it == '\n' } + 1
            throw JsonException("$source is not valid JSON: $why (line $line, character $at).")
        }
    }

    private val NUMBER = Regex("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")
}

class JsonException(message: String) : IllegalArgumentException(message)
