package io.streamrec.vespa;

import java.util.ArrayList;
import java.util.List;

/**
 * Tokens of the two small languages {@link VespaProtocolDouble} reads: YQL ({@link DoubleYql}) and the document
 * selection language ({@link DoubleSelection}). Identifiers, numbers, quoted strings (single or double quotes,
 * backslash escapes) and operator symbols; anything else is an error naming its position.
 */
final class DoubleLexer {

  enum Kind { IDENT, NUMBER, STRING, SYMBOL, END }

  record Token(Kind kind, String text, int position) {
    boolean is(String symbolOrKeyword) {
      return (kind == Kind.SYMBOL && text.equals(symbolOrKeyword))
          || (kind == Kind.IDENT && text.equalsIgnoreCase(symbolOrKeyword));
    }

    @Override
    public String toString() {
      return kind == Kind.END ? "end of input" : "'" + text + "' at " + position;
    }
  }

  /** A syntax error; the double answers it with 400 and this message. */
  static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message);
    }
  }

  private static final String[] SYMBOLS =
      {"==", "!=", "<=", ">=", "=~", "<", ">", "=", "(", ")", "{", "}", "[", "]", ",", ":", "!", "+", "-", "*", "/",
          "%", ";", "."};

  private final List<Token> tokens;
  private int next;

  DoubleLexer(String text) {
    this.tokens = tokenize(text);
  }

  Token peek() {
    return tokens.get(next);
  }

  Token peek(int ahead) {
    return tokens.get(Math.min(next + ahead, tokens.size() - 1));
  }

  Token take() {
    Token t = tokens.get(next);
    if (t.kind() != Kind.END) {
      next++;
    }
    return t;
  }

  boolean accept(String symbolOrKeyword) {
    if (peek().is(symbolOrKeyword)) {
      take();
      return true;
    }
    return false;
  }

  Token expect(String symbolOrKeyword) {
    Token t = take();
    if (!t.is(symbolOrKeyword)) {
      throw new SyntaxError("expected '" + symbolOrKeyword + "' but found " + t);
    }
    return t;
  }

  Token expect(Kind kind, String what) {
    Token t = take();
    if (t.kind() != kind) {
      throw new SyntaxError("expected " + what + " but found " + t);
    }
    return t;
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Kind.IDENT, s.substring(start, i), start));
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (i + 1 < s.length() && s.charAt(i) == '.' && Character.isDigit(s.charAt(i + 1))) {
          i++;
          while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
          }
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
          int e = i + 1;
          if (e < s.length() && (s.charAt(e) == '+' || s.charAt(e) == '-')) {
            e++;
          }
          if (e < s.length() && Character.isDigit(s.charAt(e))) {
            i = e;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
              i++;
            }
          }
        }
        out.add(new Token(Kind.NUMBER, s.substring(start, i), start));
      } else if (c == '"' || c == '\'') {
        int start = i++;
        StringBuilder v = new StringBuilder();
        boolean closed = false;
        while (i < s.length()) {
          char d = s.charAt(i++);
          if (d == c) {
            closed = true;
            break;
          }
          if (d == '\\') {
            if (i >= s.length()) {
              break;
            }
            char e = s.charAt(i++);
            switch (e) {
              case 'n' -> v.append('\n');
              case 'r' -> v.append('\r');
              case 't' -> v.append('\t');
              case 'f' -> v.append('\f');
              case 'u' -> {
                if (i + 4 > s.length()) {
                  throw new SyntaxError("bad \\u escape at " + (i - 2));
                }
                v.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                i += 4;
              }
              case 'x' -> {
                if (i + 2 > s.length()) {
                  throw new SyntaxError("bad \\x escape at " + (i - 2));
                }
                v.append((char) Integer.parseInt(s.substring(i, i + 2), 16));
                i += 2;
              }
              default -> v.append(e);
            }
          } else {
            v.append(d);
          }
        }
        if (!closed) {
          throw new SyntaxError("unterminated string starting at " + start);
        }
        out.add(new Token(Kind.STRING, v.toString(), start));
      } else {
        String symbol = null;
        for (String sym : SYMBOLS) {
          if (s.startsWith(sym, i)) {
            symbol = sym;
            break;
          }
        }
        if (symbol == null) {
          throw new SyntaxError("unexpected character '" + c + "' at " + i);
        }
        out.add(new Token(Kind.SYMBOL, symbol, i));
        i += symbol.length();
      }
    }
    out.add(new Token(Kind.END, "", s.length()));
    return out;
  }
}
