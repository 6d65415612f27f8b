import dev.edgepack.runtime.core.EdgepackError
import dev.edgepack.runtime.core.Json
import java.security.MessageDigest

/** A minimal test harness (no JUnit here: no Maven): counts checks, prints each failure, fails the process loudly. */
class Suite {
    private var passed = 0
    private val failures = ArrayList<String>()

    fun check(name: String, ok: Boolean, detail: () -> String = { "" }) {
        if (ok) {
            passed++
        } else {
            failures.add(name)
            System.err.println("FAIL $name${detail().let { if (it.isEmpty()) "" else ": $it" }}")
        }
    }

    fun equal(name: String, expected: Any?, actual: Any?) = check(name, expected == actual) { "expected $expected, got $actual" }

    /** `block` must throw an EdgepackError with `code` whose message holds every one of `mentions`. */
    fun expectError(name: String, code: String, vararg mentions: String, block: () -> Unit) {
        try {
            block()
            check(name, false) { "no error raised" }
        } catch (e: EdgepackError) {
            val message = e.message ?: ""
            check(name, e.code == code && mentions.all { it in message }) { "got ${e.code}: $message (expected $code naming ${mentions.toList()})" }
        }
    }

    /** Runs a part of the suite; an unexpected exception is a failure of that part, not the end of the run. */
    fun part(name: String, block: () -> Unit) {
        try {
            block()
        } catch (e: Throwable) {
            check(name, false) { "${e::class.simpleName}: ${e.message}\n${e.stackTrace.take(6).joinToString("\n  ", "  ")}" }
        }
    }

    fun finish(): Int {
        println("kotlin core: $passed checks passed, ${failures.size} failed")
        if (failures.isNotEmpty()) System.err.println("FAILED: ${failures.joinToString()}")
        return if (failures.isEmpty()) 0 else 1
    }
}

fun sha256(bytes: ByteArray): String = MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

/** JSON with every object's keys sorted: two documents are the same when these strings are. */
fun canonical(value: Any?): String = Json.write(sortKeys(value))

private fun sortKeys(value: Any?): Any? = when (value) {
    is Map<*, *> -> value.entries.sortedBy { it.key.toString() }.associateTo(LinkedHashMap()) { it.key.toString() to sortKeys(it.value) }
    is List<*> -> value.map { sortKeys(it) }
    else -> value
}

@Suppress("UNCHECKED_CAST")
fun Any?.obj(key: String): Map<String, Any?> = (this as Map<String, Any?>)[key] as Map<String, Any?>

@Suppress("UNCHECKED_CAST")
fun Any?.field(key: String): Any? = (this as Map<String, Any?>)[key]

fun Any?.int(key: String): Int = (field(key) as Double).toInt()

fun Any?.str(key: String): String = field(key) as String

@Suppress("UNCHECKED_CAST")
fun Any?.list(key: String): List<Any?> = field(key) as List<Any?>
