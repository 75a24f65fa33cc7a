// The PartiQL lexer.
#include "partiql/lex.h"

#include <cctype>

namespace ddb::partiql {

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

namespace {

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

class Lexer {
 public:
  explicit Lexer(std::string_view t) : t_(t) {}
  // False on a character or an unterminated quote the grammar has no token for.
  bool run(std::vector<Tok>& out) {
    size_t params = 0;
    while (true) {
      skip_space();
      Tok k;
      k.line = line_;
      k.col = i_ - line_start_ + 1;
      if (i_ >= t_.size()) {
        out.push_back(std::move(k));
        return true;
      }
      size_t start = i_;
      char c = t_[i_];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        while (i_ < t_.size() && is_word_char(t_[i_])) ++i_;
        k.kind = Tok::kWord;
        k.text.assign(t_.data() + start, i_ - start);
      } else if (c == '\'' || c == '"') {
        if (!quoted(c, k.text)) return false;
        k.kind = c == '\'' ? Tok::kString : Tok::kQuoted;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && i_ + 1 < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_ + 1])))) {
        number();
        k.kind = Tok::kNumber;
        k.text.assign(t_.data() + start, i_ - start);
      } else if (c == '?') {
        ++i_;
        k.kind = Tok::kParam;
        k.param = params++;
      } else {
        static constexpr std::string_view two[] = {"<<", ">>", "<=", ">=", "<>", "!=", "=="};
        k.kind = Tok::kPunct;
        std::string_view pair = t_.substr(i_, 2);
        size_t n = 1;
        for (std::string_view p : two)
          if (pair == p) n = 2;
        if (n == 1 && std::string_view("=<>()[]{},.:*+-;").find(c) == std::string_view::npos) return false;
        k.text.push_back(c);
        if (n == 2) k.text.push_back(t_[i_ + 1]);
        i_ += n;
      }
      k.len = i_ - start;
      out.push_back(std::move(k));
    }
  }

 private:
  void skip_space() {
    while (i_ < t_.size()) {
      char c = t_[i_];
      if (c == '\n') {
        ++line_;
        line_start_ = i_ + 1;
      } else if (!std::isspace(static_cast<unsigned char>(c))) {
        if (c == '-' && t_.substr(i_, 2) == "--") {  // a comment to the end of the line
          while (i_ < t_.size() && t_[i_] != '\n') ++i_;
          continue;
        }
        return;
      }
      ++i_;
    }
  }
  bool quoted(char q, std::string& out) {
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_++];
      if (c == q) {
        if (i_ < t_.size() && t_[i_] == q) {  // '' is a quote inside a string
          out += q;
          ++i_;
          continue;
        }
        return true;
      }
      if (c == '\n') {
        ++line_;
        line_start_ = i_;
      }
      out += c;
    }
    return false;
  }
  void number() {
    auto digits = [&] {
      while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    };
    digits();
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      digits();
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      size_t save = i_++;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_])))
        digits();
      else
        i_ = save;
    }
  }
  std::string_view t_;
  size_t i_ = 0, line_ = 1, line_start_ = 0;
};

}  // namespace

bool lex(std::string_view text, std::vector<Tok>& out) {
  return Lexer(text).run(out);
}

}  // namespace ddb::partiql
