"""A JSON scanner for teams.json: where each member is, and the first syntax error with its line and column.

Starlark's json.decode fails the whole fetch with `Error in decode: at offset N` on a trailing comma or a duplicate
key, which surfaces as a traceback in every build. chronon_team_config scans teams.json with this first, so that a
broken file becomes a compiler-format diagnostic (`teams.json:line:col: error: ... [id]`) of the targets that read it,
and so that the compiler can point at the member a type error is in.

Starlark has neither recursion nor `while`: the scanner is a loop over tokens with an explicit stack. Columns count
bytes (Bazel 4 reads files as Latin-1, one character per byte), as protoc's do.

chronon/compiler/teams.cc (ScanJson) is the same scanner in C++, for the compiler and the importer: both accept and
refuse the same files with the same messages at the same positions, which tests/integration/teams_corpus_test.sh
checks over tests/teams_corpus/. A change here is a change there.
"""

_WHITESPACE = " \t\r\n"
_DIGITS = "0123456789"
_NUMBER_CHARS = "0123456789+-.eE"

# What each escape stands for: keys are compared as JSON readers decode them.
_ESCAPES = {"\"": "\"", "\\": "\\", "/": "/", "b": "\010", "f": "\014", "n": "\n", "r": "\r", "t": "\t"}
_HEX = "0123456789abcdefABCDEF"

# _BYTES[b] is the character of byte b as Bazel reads a file (Latin-1: one character per byte), so that a `\\uXXXX`
# escape decodes to the UTF-8 bytes of its code point (Starlark in Bazel 4 has no chr()): a key spelled
# `"a\\u005fb"` is the key `"a_b"`, and `"\\u00e9"` is `"é"`, as for json.load and nlohmann.
_BYTES = "\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037 !\042#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\134]^_`abcdefghijklmnopqrstuvwxyz{|}~\177\200\201\202\203\204\205\206\207\210\211\212\213\214\215\216\217\220\221\222\223\224\225\226\227\230\231\232\233\234\235\236\237\240\241\242\243\244\245\246\247\250\251\252\253\254\255\256\257\260\261\262\263\264\265\266\267\270\271\272\273\274\275\276\277\300\301\302\303\304\305\306\307\310\311\312\313\314\315\316\317\320\321\322\323\324\325\326\327\330\331\332\333\334\335\336\337\340\341\342\343\344\345\346\347\350\351\352\353\354\355\356\357\360\361\362\363\364\365\366\367\370\371\372\373\374\375\376\377"

# The printable ASCII characters, and those that continue a word (`true`, or a mistake such as `True`).
_ASCII = _BYTES[32:127]
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

# Nesting deeper than this is refused (chronon/common/json_limits.h's kMaxJsonDepth; an entry of teams.json needs 3).
MAX_DEPTH = 512
TOO_DEEP = "arrays and objects nested deeper than {} levels (a teams.json entry needs 3)".format(MAX_DEPTH)
NOT_UTF8 = "bytes that are not UTF-8 in a string (teams.json is read as UTF-8)"
NOT_ASCII = "a byte outside a string that is neither printable ASCII nor whitespace"

def _describe(token):
    if token == None:
        return "end of file"
    if token.kind == "string":
        return "a string"
    if token.kind == "value":
        return "`{}`".format(token.text)
    return "`{}`".format(token.kind)

def _tokenize(text):
    """The tokens of `text` (kind, text, line, column, value), or a syntax error.

    Returns:
      struct(tokens, error): `error` is None or struct(line, column, message).
    """
    tokens = []
    n = len(text)
    pos = 0
    line = 1
    line_start = 0
    for _ in range(n + 1):
        if pos >= n:
            break
        c = text[pos]
        if c in _WHITESPACE:
            if c == "\n":
                line += 1
                line_start = pos + 1
            pos += 1
            continue
        column = pos - line_start + 1
        if c in "{}[]:,":
            tokens.append(struct(kind = c, text = c, line = line, column = column, offset = pos, value = None))
            pos += 1
            continue
        if c == "\"":
            chars = []
            end = -1
            skip = 0
            for j in range(pos + 1, n):
                if skip:
                    skip -= 1
                    continue
                d = text[j]
                if d == "\"":
                    end = j
                    break
                if d == "\\":
                    e = text[j + 1] if j + 1 < n else ""
                    code = int(text[j + 2:j + 6], 16) if e == "u" and _is_hex4(text, j + 2, n) else -1
                    low = int(text[j + 8:j + 12], 16) if text[j + 6:j + 8] == "\\u" and _is_hex4(text, j + 8, n) else -1
                    if e in _ESCAPES:
                        chars.append(_ESCAPES[e])
                        skip = 1
                    elif code >= 0 and (code < 0xD800 or code > 0xDFFF):
                        chars.append(_utf8(code))
                        skip = 5
                    elif code >= 0xD800 and code <= 0xDBFF and low >= 0xDC00 and low <= 0xDFFF:
                        # A surrogate pair: one code point.
                        chars.append(_utf8(0x10000 + (code - 0xD800) * 1024 + low - 0xDC00))
                        skip = 11
                    else:
                        # Also half a surrogate pair, which no UTF-8 text can hold.
                        return struct(tokens = None, error = struct(
                            line = line,
                            column = j - line_start + 1,
                            message = "invalid escape sequence in a string",
                        ))
                    continue
                if d >= "\200":
                    length = _utf8_length(text, j, n)
                    if not length:
                        return struct(tokens = None, error = struct(
                            line = line,
                            column = j - line_start + 1,
                            message = NOT_UTF8,
                        ))
                    chars.append(text[j:j + length])
                    skip = length - 1
                    continue
                if d < " ":  # a control character (string order is byte order here)
                    return struct(tokens = None, error = struct(
                        line = line,
                        column = j - line_start + 1,
                        message = "a string must end on the line it starts on (write a line break as \\n)" if d == "\n" else "a control character in a string (escape it)",
                    ))
                chars.append(d)
            if end < 0:
                return struct(tokens = None, error = struct(
                    line = line,
                    column = column,
                    message = "this string is never closed",
                ))
            tokens.append(struct(kind = "string", text = text[pos:end + 1], line = line, column = column, offset = pos, value = "".join(chars)))
            pos = end + 1
            continue
        if c in _DIGITS or c == "-":
            end = n
            for j in range(pos, n):
                if text[j] not in _NUMBER_CHARS:
                    end = j
                    break
            number = text[pos:end]
            if not _valid_number(number):
                return struct(tokens = None, error = struct(
                    line = line,
                    column = column,
                    message = "`{}` is not a JSON number".format(number),
                ))
            if _too_large(number):
                return struct(tokens = None, error = struct(
                    line = line,
                    column = column,
                    message = "`{}` is beyond the range of a double: JSON readers refuse it or make it infinite".format(number),
                ))
            tokens.append(struct(kind = "value", text = number, line = line, column = column, offset = pos, value = None))
            pos = end
            continue
        if c not in _ASCII:
            return struct(tokens = None, error = struct(line = line, column = column, message = NOT_ASCII))
        word_end = n
        for j in range(pos, n):
            if text[j] not in _WORD_CHARS:
                word_end = j
                break
        word = text[pos:max(word_end, pos + 1)]
        if word in ("true", "false", "null"):
            tokens.append(struct(kind = "value", text = word, line = line, column = column, offset = pos, value = None))
            pos = word_end
            continue
        hint = ""
        if word in ("True", "False", "None"):
            hint = " (JSON writes {})".format({"True": "true", "False": "false", "None": "null"}[word])
        elif c == "'":
            hint = " (JSON strings take double quotes)"
        elif c == "/" or c == "#":
            hint = " (JSON has no comments)"
        return struct(tokens = None, error = struct(
            line = line,
            column = column,
            message = "unexpected `{}`{}".format(word, hint),
        ))
    return struct(tokens = tokens, error = None)

def _is_hex4(text, i, n):
    """Whether text[i:i + 4] is four hex digits."""
    return i + 4 <= n and all([h in _HEX for h in text[i:i + 4].elems()])

def _utf8(code):
    """The UTF-8 bytes of code point `code`, one character per byte."""
    if code < 0x80:
        return _BYTES[code]
    if code < 0x800:
        return _BYTES[0xC0 + code // 64] + _BYTES[0x80 + code % 64]
    if code < 0x10000:
        return _BYTES[0xE0 + code // 4096] + _BYTES[0x80 + code // 64 % 64] + _BYTES[0x80 + code % 64]
    return _BYTES[0xF0 + code // 262144] + _BYTES[0x80 + code // 4096 % 64] + _BYTES[0x80 + code // 64 % 64] + _BYTES[0x80 + code % 64]

def _utf8_length(text, j, n):
    """The length of the UTF-8 sequence at byte j (not ASCII) of `text`, or 0 if it is not one.

    As RFC 3629 defines UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
    """
    c = text[j]
    if c < "\302" or c > "\364":
        return 0
    length, low, high = 4, "\200", "\217"  # F4
    if c <= "\337":
        length, low, high = 2, "\200", "\277"
    elif c == "\340":
        length, low, high = 3, "\240", "\277"
    elif c == "\355":
        length, low, high = 3, "\200", "\237"
    elif c <= "\357":
        length, low, high = 3, "\200", "\277"
    elif c == "\360":
        length, low, high = 4, "\220", "\277"
    elif c <= "\363":
        length, low, high = 4, "\200", "\277"
    if j + length > n or text[j + 1] < low or text[j + 1] > high:
        return 0
    for k in range(j + 2, j + length):
        if text[k] < "\200" or text[k] > "\277":
            return 0
    return length

# The digits of 2^1024 - 2^970 (309 of them; trailing zeros dropped): the least number that a double rounds to
# infinity (nlohmann, compile.py's json.load and strtod all round so).
_DOUBLE_LIMIT = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"

def _too_large(number):
    """Whether the valid JSON number `number` is beyond a double's range (its magnitude at least _DOUBLE_LIMIT)."""
    s = number[1:] if number.startswith("-") else number
    exponent = 0
    e = max(s.find("e"), s.find("E"))
    if e >= 0:
        exponent_text = s[e + 1:]
        s = s[:e]
        exponent_digits = exponent_text.lstrip("+-").lstrip("0")
        exponent = int(exponent_digits) if len(exponent_digits) <= 6 and exponent_digits else (1000000 if exponent_digits else 0)
        if exponent_text.startswith("-"):
            exponent = -exponent
    dot = s.find(".")
    integer_digits = s if dot < 0 else s[:dot]
    digits = s.replace(".", "")
    significant = digits.lstrip("0")
    if not significant:
        return False

    # The number is 0.<significant> * 10^magnitude.
    magnitude = len(integer_digits) - (len(digits) - len(significant)) + exponent
    if magnitude != 309:
        return magnitude > 309
    significant = significant.rstrip("0")
    width = max(len(significant), len(_DOUBLE_LIMIT))
    return significant + "0" * (width - len(significant)) >= _DOUBLE_LIMIT + "0" * (width - len(_DOUBLE_LIMIT))

def _valid_number(s):
    """Whether `s` is a JSON number: -?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"""
    i = 0
    n = len(s)
    if i < n and s[i] == "-":
        i += 1
    if i >= n or s[i] not in _DIGITS:
        return False
    if s[i] == "0":
        i += 1
    else:
        for _ in range(n):
            if i < n and s[i] in _DIGITS:
                i += 1
            else:
                break
    if i < n and s[i] == ".":
        i += 1
        if i >= n or s[i] not in _DIGITS:
            return False
        for _ in range(n):
            if i < n and s[i] in _DIGITS:
                i += 1
            else:
                break
    if i < n and s[i] in "eE":
        i += 1
        if i < n and s[i] in "+-":
            i += 1
        if i >= n or s[i] not in _DIGITS:
            return False
        for _ in range(n):
            if i < n and s[i] in _DIGITS:
                i += 1
            else:
                break
    return i == n

def _error(token, message):
    if token == None:
        return struct(line = 0, column = 0, message = message)
    return struct(line = token.line, column = token.column, message = message)

_KINDS = {"true": "boolean", "false": "boolean", "null": "null"}

def _kind(token):
    if token.kind == "{":
        return "object"
    if token.kind == "[":
        return "array"
    if token.kind == "string":
        return "string"
    return _KINDS.get(token.text, "number")

def json_scan(text):
    """Scans a JSON document.

    Args:
      text: the document.

    Returns:
      struct(error, kind, members):
        error: None, or struct(line, column, message) of the first syntax error or duplicate key (line 0: at the
          end of the file).
        kind: the kind of the document's value ("object", "array", "string", "number", "boolean", "null"), or None
          when it has an error.
        members: for a document that is an object, `{key: member}` for each of its members, where a member is a
          dict with "line" and "column" (where its value starts), "start" and "end" (the value's byte range in
          `text`, so that it can be copied as written: order, escapes and number spellings kept), "kind", and
          "members" (the same for the members of a value that is an object, three levels deep: a team's entry, its
          keys, and the members of table_properties; else None). None when the document is not an object or has an
          error.
    """
    scanned = _tokenize(text)
    if scanned.error:
        return struct(error = scanned.error, kind = None, members = None)
    tokens = scanned.tokens
    if not tokens:
        return struct(error = struct(line = 1, column = 1, message = "the file is empty; teams.json is a JSON object of teams"), kind = None, members = None)

    # Each frame: kind ("{" or "["), where it opened, the keys seen ({key: token}), its members map (objects at
    # depth < 3) and its own member record (whose "end" is set when it closes).
    stack = []
    root_members = None
    pending_key = None  # the key token whose value comes next
    expect = "value"  # value | key_or_close | key | colon | comma_or_close | value_or_close | end
    last = None
    prev = None
    for index in range(len(tokens) + 1):
        token = tokens[index] if index < len(tokens) else None
        if expect == "end":
            if token != None:
                return struct(error = _error(token, "unexpected {} after the end of the document".format(_describe(token))), kind = None, members = None)
            break
        if token == None:
            opener = stack[-1] if stack else None
            message = "end of file: missing `{}` for the {} opened at {}:{}".format(
                "}" if opener and opener.kind == "{" else "]",
                "object" if opener and opener.kind == "{" else "array",
                opener.line if opener else 0,
                opener.column if opener else 0,
            ) if opener else "end of file: a value is missing"
            return struct(error = struct(line = last.line if last else 1, column = last.column + len(last.text) if last else 1, message = message), kind = None, members = None)
        prev = last
        last = token
        if expect in ("value", "value_or_close"):
            if expect == "value_or_close" and token.kind == "]":
                _close(stack, token)
                expect = "comma_or_close" if stack else "end"
                continue
            if token.kind in ("string", "value", "{", "["):
                # Record where this value is in its parent object's members (three levels deep).
                members = None
                record = None
                if stack and stack[-1].kind == "{" and stack[-1].members != None and pending_key != None:
                    members = {} if token.kind == "{" and len(stack) < 3 else None
                    record = {
                        "line": token.line,
                        "column": token.column,
                        "start": token.offset,
                        "end": token.offset + len(token.text),
                        "kind": _kind(token),
                        "members": members,
                    }
                    stack[-1].members[pending_key.value] = record
                if token.kind in ("{", "[") and len(stack) >= MAX_DEPTH:
                    return struct(error = _error(token, TOO_DEEP), kind = None, members = None)
                if token.kind in ("{", "["):
                    if not stack and token.kind == "{":
                        root_members = {}
                        members = root_members
                    stack.append(struct(kind = token.kind, line = token.line, column = token.column, keys = {}, members = members, record = record))
                    expect = "key_or_close" if token.kind == "{" else "value_or_close"
                else:
                    expect = "comma_or_close" if stack else "end"
                pending_key = None
                continue
            if token.kind == "]" and prev != None and prev.kind == ",":
                return struct(error = _error(prev, "trailing comma before `]`: remove the comma after the last element"), kind = None, members = None)
            if token.kind == "]" or token.kind == "}":
                return struct(error = _error(token, "a value is missing before `{}`".format(token.kind)), kind = None, members = None)
            return struct(error = _error(token, "expected a value, got {}".format(_describe(token))), kind = None, members = None)
        if expect in ("key_or_close", "key"):
            if token.kind == "}":
                if expect == "key":
                    return struct(error = _error(prev, "trailing comma before `}`: remove the comma after the last member"), kind = None, members = None)
                _close(stack, token)
                expect = "comma_or_close" if stack else "end"
                continue
            if token.kind != "string":
                return struct(error = _error(token, "expected a member name in double quotes, got {}".format(_describe(token))), kind = None, members = None)
            seen = stack[-1].keys.get(token.value)
            if seen != None:
                return struct(error = _error(token, "duplicate key {} (first at {}:{}); JSON readers keep only one of them".format(token.text, seen.line, seen.column)), kind = None, members = None)
            stack[-1].keys[token.value] = token
            pending_key = token
            expect = "colon"
            continue
        if expect == "colon":
            if token.kind != ":":
                return struct(error = _error(token, "expected `:` after the member name {}, got {}".format(pending_key.text, _describe(token))), kind = None, members = None)
            expect = "value"
            continue
        if expect == "comma_or_close":
            top = stack[-1]
            close = "}" if top.kind == "{" else "]"
            if token.kind == ",":
                expect = "key" if top.kind == "{" else "value"
                continue
            if token.kind == close:
                _close(stack, token)
                expect = "comma_or_close" if stack else "end"
                continue
            return struct(error = _error(token, "expected `,` or `{}`, got {} (a missing comma?)".format(close, _describe(token))), kind = None, members = None)
    return struct(error = None, kind = _kind(tokens[0]), members = root_members)

def _close(stack, token):
    """Pops the innermost container, which `token` closes, and ends its member record after `token`."""
    frame = stack.pop()
    if frame.record != None:
        frame.record["end"] = token.offset + 1
