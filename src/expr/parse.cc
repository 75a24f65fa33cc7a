// Stage 1 (parse) and stage 2 (resolve placeholders) of DynamoDB expressions.
#include <algorithm>
#include <cctype>

#include "expr/checks.h"
#include "expr/expr.h"
#include "util/errors.h"
#include "util/messages.h"

namespace ddb::expr {

namespace {

constexpr size_t kMaxExpressionLength = 4096;
// The recursion bound, in the parser's stack frames (depth_ counts them: parse_or, parse_operand and each
// NOT one, a parenthesized group three more for parse_primary, parse_and and parse_not). The service bounds
// nesting only through its 300 operators and 4 KB: 299 "NOT (" groups (about 1,500 frames) are an ordinary
// condition. 1,600 frames stay within 5 MB of stack even in the AddressSanitizer builds (~3 KB a frame).
constexpr int kMaxDepth = 1600;
// parse_operand counts as four: its frame is the largest (an Operand; ~8 KB under AddressSanitizer, where
// fuzz_expression overflowed 8 MB at 1,036 nested operand parentheses).
constexpr int kOperandFrames = 4;
constexpr int kGroupFrames = 3;  // a parenthesized condition: parse_primary, parse_and and parse_not
// Parentheses nested deeper than this are checked for a redundant group before the parser descends into
// them: a group that holds more than another group needs an operator, so only redundancy gets deeper.
constexpr size_t kDeepParens = 310;
constexpr long long kMaxListIndex = 2147483647;  // larger list indexes are refused, as the service does
constexpr int kMaxOperators = 300;               // per expression (developer guide, expression limits)

struct Tok {
  enum Kind { kIdent, kName, kValue, kNumber, kPunct, kEnd } kind;
  std::string_view text;  // in the expression's text (or "<EOF>")
  size_t pos = 0, end = 0;
};

// Whether `s` is the upper-case keyword `kw`, in any case.
bool is_word(std::string_view s, std::string_view kw) {
  if (s.size() != kw.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != kw[i]) return false;
  return true;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

class Parser {
 public:
  Parser(std::string_view text, const char* which, Context& ctx) : text_(text), which_(which), ctx_(ctx) {}

  Status lex() {
    toks_.reserve(text_.size() / 3 + 4);  // one allocation for ordinary expressions
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      size_t start = i;
      auto word = [&](size_t from) {
        size_t j = from;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_'))
          ++j;
        return j;
      };
      if (std::isalpha(static_cast<unsigned char>(c))) {  // a name cannot start with '_' (a syntax error)
        i = word(i);
        toks_.push_back({Tok::kIdent, text_.substr(start, i - start), start, i});
      } else if (c == '#' || c == ':') {
        i = word(i + 1);
        if (i == start + 1) return syntax_error_at_char(start);
        toks_.push_back({c == '#' ? Tok::kName : Tok::kValue, text_.substr(start, i - start), start, i});
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        while (i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
        toks_.push_back({Tok::kNumber, text_.substr(start, i - start), start, i});
      } else if (c == '<' || c == '>') {
        ++i;
        if (i < text_.size() && (text_[i] == '=' || (c == '<' && text_[i] == '>'))) ++i;
        toks_.push_back({Tok::kPunct, text_.substr(start, i - start), start, i});
      } else {  // one-character punctuation ("=()[],.+-"); anything else fails where it is parsed
        ++i;
        toks_.push_back({Tok::kPunct, text_.substr(start, 1), start, i});
      }
    }
    toks_.push_back({Tok::kEnd, "<EOF>", text_.size(), text_.size()});
    return Status::OK();
  }

  Status checked(const Problem& p) { return p ? Status(fail(*p)) : Status::OK(); }
  // Each comparison, BETWEEN, IN, function, AND, OR and NOT is one operator; more than 300 are refused.
  Status count_operator() {
    if (++operators_ > kMaxOperators) return fail(msg::text(msg::kExprTooManyOperators, operators_));
    return Status::OK();
  }
  Error fail(const std::string& what) {
    return err::validation(msg::text(msg::kInvalidExpression, std::string(which_), what));
  }

  Error syntax_error() {
    const Tok& t = toks_[pos_];
    size_t from = t.pos, to = t.end;
    if (t.kind == Tok::kEnd) {
      if (pos_ >= 1) from = toks_[pos_ - 1].pos;
      to = text_.size();
    } else {
      if (pos_ >= 1) from = toks_[pos_ - 1].pos;
      if (pos_ + 1 < toks_.size() && toks_[pos_ + 1].kind != Tok::kEnd) to = toks_[pos_ + 1].end;
    }
    return fail(
        msg::text(msg::kExprSyntaxErrorTokenNear, t.text, std::string(text_.substr(from, to - from))));
  }
  Error syntax_error_at_char(size_t at) {
    size_t from = at > 0 ? at - 1 : at;
    while (from > 0 && !std::isspace(static_cast<unsigned char>(text_[from - 1]))) --from;
    return fail(msg::text(msg::kExprInvalidCharacterEncounteredCharacterPosition, std::string(1, text_[at]),
                          std::to_string(at + 1)));
  }

  const Tok& peek(size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  bool is_punct(const char* p, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::kPunct && peek(ahead).text == p;
  }
  bool is_keyword(const char* kw, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::kIdent && is_word(peek(ahead).text, kw);
  }
  Status expect_punct(const char* p) {
    if (!is_punct(p)) return syntax_error();
    ++pos_;
    return Status::OK();
  }

  // path := (ident | #name) ( '.' (ident|#name) | '[' number ']' )*
  Result<Path> parse_path() {
    Path p;
    auto elem = [&]() -> Status {
      const Tok& t = peek();
      if (t.kind == Tok::kIdent) {
        if (is_reserved_word(t.text))
          return fail(msg::text(msg::kExprAttributeNameReservedKeywordReservedKeyword, t.text));
        p.elems.push_back({std::string(t.text), -1, false});
      } else if (t.kind == Tok::kName) {
        DDB_TRY(resolve_name(t.text, p));
      } else {
        return syntax_error();
      }
      ++pos_;
      return Status::OK();
    };
    DDB_TRY(elem());
    for (;;) {
      if (is_punct(".")) {
        ++pos_;
        DDB_TRY(elem());
      } else if (is_punct("[")) {
        ++pos_;
        if (peek().kind != Tok::kNumber) return syntax_error();
        std::string_view digits = peek().text;
        long long idx = 0;
        for (char c : digits) {
          idx = idx * 10 + (c - '0');
          if (idx > kMaxListIndex) return fail(msg::text(msg::kExprListIndexOutOfRange, digits));
        }
        ++pos_;
        DDB_TRY(expect_punct("]"));
        p.elems.push_back({"", static_cast<long>(std::min(idx, 100000000LL)), true});
      } else {
        break;
      }
    }
    if (p.elems.size() > 32)
      return fail(msg::text(msg::kExprDocumentPathHasTooManyNestingLevels, std::to_string(p.elems.size())));
    return p;
  }

  // Stage 2 for names: substitute #name from ExpressionAttributeNames.
  Status resolve_name(std::string_view placeholder, Path& p) {
    const rapidjson::Value* names = ctx_.names();
    const rapidjson::Value* v = nullptr;
    if (names && names->IsObject()) {
      // By value with its length: a StringRef alone would convert to a C string, read up to a NUL.
      auto it =
          names->FindMember(rapidjson::Value(rapidjson::StringRef(placeholder.data(), placeholder.size())));
      if (it != names->MemberEnd() && it->value.IsString()) v = &it->value;
    }
    if (!v) return fail(msg::text(msg::kExprExpressionAttributeNameUsedInDocumentPath, placeholder));
    ctx_.used_names.emplace(placeholder);
    p.elems.push_back({std::string(v->GetString(), v->GetStringLength()), -1, false});
    return Status::OK();
  }

  // Stage 2 for values: substitute :value from ExpressionAttributeValues.
  Status resolve_value(Operand& o) {
    const Item* values = ctx_.values();
    auto it = values ? values->find(o.placeholder) : Item::const_iterator();
    if (!values || it == values->end())
      return fail(msg::text(msg::kExprExpressionAttributeValueUsedInExpressionNot, o.placeholder));
    ctx_.used_values.insert(o.placeholder);
    o.value = it->second;
    return Status::OK();
  }

  // operand := path | :value | function '(' args ')'
  Result<Operand> parse_operand(bool update_mode) {
    if ((depth_ += kOperandFrames) > kMaxDepth) return too_deep();
    Operand o;
    const Tok& t = peek();
    if (!update_mode && is_punct("(")) {  // a parenthesized operand: "(a) = :v", "a = (:v)"
      size_t open = pos_++;
      DDB_ASSIGN(o, parse_operand(false));
      DDB_TRY(close_group(open, open + 1));
      depth_ -= kOperandFrames;
      return o;
    }
    if (t.kind == Tok::kValue) {
      o.kind = Operand::kValue;
      o.placeholder = t.text;
      ++pos_;
      DDB_TRY(resolve_value(o));
    } else if (t.kind == Tok::kIdent && is_punct("(", 1)) {
      std::string fn(t.text);
      pos_ += 2;
      if (fn == "size" && !update_mode) {
        o.kind = Operand::kSize;
        Operand arg;  // a path, perhaps parenthesized (size((a))), or a value (size(:v))
        DDB_ASSIGN(arg, parse_operand(false));
        if (arg.kind == Operand::kPath)
          o.path = std::move(arg.path);
        else if (arg.kind == Operand::kValue)
          o.args.push_back(std::move(arg));
        else if (arg.kind == Operand::kSize)  // size(size(a)): the inner size is a number
          return fail(msg::text(msg::kExprIncorrectOperandTypeForOperatorOrFunction, "size", "N"));
        else
          return syntax_error();
        DDB_TRY(expect_punct(")"));
      } else if ((fn == "if_not_exists" || fn == "list_append") && update_mode) {
        o.kind = fn == "if_not_exists" ? Operand::kIfNotExists : Operand::kListAppend;
        Operand a, b;
        DDB_ASSIGN(a, parse_set_value());
        DDB_TRY(expect_punct(","));
        DDB_ASSIGN(b, parse_set_value());
        DDB_TRY(expect_punct(")"));
        if (o.kind == Operand::kIfNotExists && a.kind != Operand::kPath)
          return fail(msg::kExprOperatorOrFunctionRequiresDocumentPathOperator);
        o.args.push_back(std::move(a));
        o.args.push_back(std::move(b));
      } else if (is_known_function(fn)) {
        if (update_mode) return fail(msg::text(msg::kExprFunctionNotAllowedInUpdateExpressionFunction, fn));
        return fail(msg::text(msg::kExprFunctionNotAllowedUsedWayInExpression, fn));
      } else {
        return fail(msg::text(msg::kExprInvalidFunctionNameFunction, fn));
      }
    } else if (t.kind == Tok::kIdent || t.kind == Tok::kName) {
      o.kind = Operand::kPath;
      DDB_ASSIGN(o.path, parse_path());
    } else {
      return syntax_error();
    }
    depth_ -= kOperandFrames;
    return o;
  }

  static bool is_known_function(const std::string& fn) {
    return fn == "attribute_exists" || fn == "attribute_not_exists" || fn == "attribute_type" ||
           fn == "begins_with" || fn == "contains" || fn == "size" || fn == "if_not_exists" ||
           fn == "list_append";
  }

  // set_value := operand (('+'|'-') operand)?
  Result<Operand> parse_set_value() {
    Operand a;
    DDB_ASSIGN(a, parse_operand(true));
    if (is_punct("+") || is_punct("-")) {
      Operand o;
      o.kind = is_punct("+") ? Operand::kPlus : Operand::kMinus;
      ++pos_;
      Operand b;
      DDB_ASSIGN(b, parse_operand(true));
      for (auto* x : {&a, &b})
        if (x->kind == Operand::kValue && x->value.type != VType::N)
          return fail(msg::text(msg::kExprIncorrectOperandTypeForOperatorOrFunction,
                                (o.kind == Operand::kPlus ? "+" : "-"), vtype_name(x->value.type)));
      o.args.push_back(std::move(a));
      o.args.push_back(std::move(b));
      return o;
    }
    return a;
  }

  // ---- conditions ----
  Result<Condition> parse_or() {
    if (++depth_ > kMaxDepth) return too_deep();
    Condition left;
    DDB_ASSIGN(left, parse_and());
    while (is_keyword("OR")) {
      ++pos_;
      DDB_TRY(count_operator());
      Condition right;
      DDB_ASSIGN(right, parse_and());
      Condition c;
      c.kind = Condition::kOr;
      c.children.push_back(std::move(left));
      c.children.push_back(std::move(right));
      left = std::move(c);
    }
    --depth_;
    return left;
  }
  Result<Condition> parse_and() {
    Condition left;
    DDB_ASSIGN(left, parse_not());
    while (is_keyword("AND")) {
      ++pos_;
      DDB_TRY(count_operator());
      Condition right;
      DDB_ASSIGN(right, parse_not());
      Condition c;
      c.kind = Condition::kAnd;
      c.children.push_back(std::move(left));
      c.children.push_back(std::move(right));
      left = std::move(c);
    }
    return left;
  }
  Result<Condition> parse_not() {
    if (is_keyword("NOT")) {
      ++pos_;
      DDB_TRY(count_operator());
      if (++depth_ > kMaxDepth) return too_deep();
      Condition inner;
      DDB_ASSIGN(inner, parse_not());
      --depth_;
      Condition c;
      c.kind = Condition::kNot;
      c.children.push_back(std::move(inner));
      return c;
    }
    return parse_primary();
  }
  // operand (',' operand)* into c.operands
  Status parse_operand_list(Condition& c) {
    for (;;) {
      Operand o;
      DDB_ASSIGN(o, parse_operand(false));
      c.operands.push_back(std::move(o));
      if (!is_punct(",")) return Status::OK();
      ++pos_;
    }
  }

  // function '(' operands ')', at an identifier followed by '('
  Result<Condition> parse_function_condition() {
    std::string fn(peek().text);
    if (fn == "attribute_exists" || fn == "attribute_not_exists" || fn == "attribute_type" ||
        fn == "begins_with" || fn == "contains") {
      pos_ += 2;
      DDB_TRY(count_operator());
      Condition c;
      c.kind = Condition::kFunction;
      c.op = fn;
      DDB_TRY(parse_operand_list(c));
      DDB_TRY(expect_punct(")"));
      DDB_TRY(checked(check_function(c)));
      DDB_TRY(checked(check_distinct(c)));
      return c;
    }
    if (is_known_function(fn)) return fail(msg::text(msg::kExprFunctionNotAllowedUsedWayInExpression, fn));
    return fail(msg::text(msg::kExprInvalidFunctionNameFunction, fn));
  }

  bool at_comparator() const { return is_comparison(peek()); }
  static bool is_comparison(const Tok& t) {
    return t.kind == Tok::kPunct && (t.text == "=" || t.text == "<>" || t.text == "<" || t.text == "<=" ||
                                     t.text == ">" || t.text == ">=");
  }
  // AND, OR, NOT: a '(' after one of them opens a group, not a function's arguments.
  static bool is_logical(const std::string& upper_text) {
    return upper_text == "AND" || upper_text == "OR" || upper_text == "NOT";
  }

  // left BETWEEN lo AND hi, after BETWEEN
  Result<Condition> parse_between(Operand left) {
    Condition c;
    c.kind = Condition::kBetween;
    c.op = "BETWEEN";
    Operand lo, hi;
    DDB_ASSIGN(lo, parse_operand(false));
    if (!is_keyword("AND")) return syntax_error();
    ++pos_;
    DDB_ASSIGN(hi, parse_operand(false));
    c.operands.push_back(std::move(left));
    c.operands.push_back(std::move(lo));
    c.operands.push_back(std::move(hi));
    DDB_TRY(checked(check_between(c)));
    return c;
  }

  // left IN '(' operands ')', after IN
  Result<Condition> parse_in(Operand left) {
    Condition c;
    c.kind = Condition::kIn;
    c.op = "IN";
    DDB_TRY(expect_punct("("));
    c.operands.push_back(std::move(left));
    DDB_TRY(parse_operand_list(c));
    DDB_TRY(expect_punct(")"));
    if (c.operands.size() > 101)
      return fail(
          msg::text(msg::kExprInOperatorProvidedWithTooManyOperands, std::to_string(c.operands.size() - 1)));
    return c;
  }

  // The token index of the ')' that closes the '(' at `open` (the end token when none does).
  size_t matching_paren(size_t open) const {
    int level = 0;
    for (size_t i = open; i < toks_.size(); ++i) {
      if (toks_[i].kind != Tok::kPunct) continue;
      if (toks_[i].text == "(") ++level;
      if (toks_[i].text == ")" && --level == 0) return i;
    }
    return toks_.size() - 1;
  }
  bool comparator_at(size_t i) const {
    const Tok& t = toks_[std::min(i, toks_.size() - 1)];
    if (t.kind == Tok::kIdent) return is_word(t.text, "BETWEEN") || is_word(t.text, "IN");
    return is_comparison(t);
  }
  // Past the recursion bound: what the service would have found in the whole expression, a redundant
  // group or more than 300 operators (it counts them all; a deep nest of groups needs one per level).
  Error too_deep() {
    if (redundant_group()) return fail(msg::kExprRedundantParentheses);
    for (size_t i = 0; i + 3 < toks_.size(); ++i)  // size(size(...: DynamoDB Local 3.3.1 names this first
      if (toks_[i].text == "size" && is_punct_at(i + 1, "(") && toks_[i + 2].text == "size" &&
          is_punct_at(i + 3, "("))
        return fail(msg::text(msg::kExprIncorrectOperandTypeForOperatorOrFunction, "size", "N"));
    if (operators_in_tokens() > kMaxOperators)
      return fail(msg::text(msg::kExprTooManyOperators, kMaxOperators + 1));
    // Groups never closed: the parser would have met the end where it wanted ')'.
    if (parens().unclosed > 0) {
      pos_ = toks_.size() - 1;
      return syntax_error();
    }
    return fail(msg::kExprExpressionHasTooManyNestedLevels);
  }
  // About the operators count_operator() would count: comparisons, AND, OR, NOT, BETWEEN, IN, functions.
  int operators_in_tokens() const {
    int n = 0;
    for (size_t i = 0; i < toks_.size(); ++i) {
      const Tok& t = toks_[i];
      n += is_comparison(t);
      if (t.kind != Tok::kIdent) continue;
      std::string u = upper(t.text);
      bool function = i + 1 < toks_.size() && is_punct_at(i + 1, "(");
      n += is_logical(u) || u == "IN" || function;  // BETWEEN: its AND counts for it
    }
    return n;
  }
  // Whether some group holds nothing but another group ("((a = :v))"), found in one pass over the tokens
  // without recursion: the service reports it even 1,900 levels deep, past where our parser may descend.
  bool redundant_group() const {
    std::vector<size_t> open;  // positions of unclosed '('
    std::vector<size_t> match(toks_.size(), 0);
    for (size_t i = 0; i < toks_.size(); ++i) {
      if (is_punct_at(i, "(")) open.push_back(i);
      if (is_punct_at(i, ")") && !open.empty()) {
        match[open.back()] = i;
        open.pop_back();
      }
    }
    for (size_t i = 0; i + 1 < toks_.size(); ++i) {
      // size(...) and IN (...) are no groups; NOT (...), AND (...), BETWEEN (...) are.
      bool call = false;
      if (i > 0 && toks_[i - 1].kind == Tok::kIdent) {
        std::string u = upper(toks_[i - 1].text);
        call = !is_logical(u) && u != "BETWEEN";
      }
      if (!call && is_punct_at(i, "(") && is_punct_at(i + 1, "(") && match[i] && match[i + 1] + 1 == match[i])
        return true;
    }
    return false;
  }
  // How deep the parentheses nest, and how many are still open at the end.
  struct ParenShape {
    size_t deepest = 0, unclosed = 0;
  };
  ParenShape parens() const {
    ParenShape p;
    for (size_t i = 0; i < toks_.size(); ++i) {
      if (is_punct_at(i, "(")) p.deepest = std::max(p.deepest, ++p.unclosed);
      if (is_punct_at(i, ")") && p.unclosed > 0) --p.unclosed;
    }
    return p;
  }
  bool is_punct_at(size_t i, const char* p) const {
    return toks_[i].kind == Tok::kPunct && toks_[i].text == p;
  }
  // '(' ... ')' around a condition or an operand: a group that holds nothing but another group is refused.
  Status close_group(size_t open, size_t inner) {
    if (last_group_.first == inner && last_group_.second + 1 == pos_ && is_punct(")"))
      return fail(msg::kExprRedundantParentheses);
    DDB_TRY(expect_punct(")"));
    last_group_ = {open, pos_ - 1};
    return Status::OK();
  }

  Result<Condition> parse_primary() {
    // "(a = :v)" is a group; "(a) = :v" is a comparison of a parenthesized operand.
    if (is_punct("(") && !comparator_at(matching_paren(pos_) + 1)) {
      if ((depth_ += kGroupFrames) > kMaxDepth) return too_deep();
      size_t open = pos_++;
      Condition c;
      DDB_ASSIGN(c, parse_or());
      DDB_TRY(close_group(open, open + 1));
      depth_ -= kGroupFrames;
      return c;
    }
    const Tok& t = peek();
    if (t.kind == Tok::kIdent && is_punct("(", 1) && t.text != "size") return parse_function_condition();
    Operand left;
    DDB_ASSIGN(left, parse_operand(false));
    bool comparator_follows = (peek().kind == Tok::kPunct && peek().text != ")" && peek().text != ",") ||
                              is_keyword("BETWEEN") || is_keyword("IN");
    if (left.kind == Operand::kSize && !comparator_follows)
      return fail(msg::kExprFunctionNotAllowedUsedWayInExpression2);
    if (at_comparator()) {
      DDB_TRY(count_operator());
      Condition c;
      c.kind = Condition::kCompare;
      c.op = peek().text;
      ++pos_;
      Operand right;
      DDB_ASSIGN(right, parse_operand(false));
      c.operands.push_back(std::move(left));
      c.operands.push_back(std::move(right));
      DDB_TRY(checked(check_distinct(c)));
      DDB_TRY(checked(check_compare(c)));
      return c;
    }
    if (is_keyword("BETWEEN") || is_keyword("IN")) {
      bool between = is_keyword("BETWEEN");
      ++pos_;
      DDB_TRY(count_operator());
      Condition c;
      if (between) {
        DDB_ASSIGN(c, parse_between(std::move(left)));
      } else {
        DDB_ASSIGN(c, parse_in(std::move(left)));
      }
      DDB_TRY(checked(check_distinct(c)));
      return c;
    }
    return syntax_error();
  }

  // ---- entry points ----
  Result<Condition> condition() {
    if (text_.size() > kMaxExpressionLength) return expression_too_long();
    DDB_TRY(lex());
    if (toks_.size() == 1) return fail(msg::kExprExpressionCanNotEmpty);
    if (parens().deepest > kDeepParens && redundant_group()) return fail(msg::kExprRedundantParentheses);
    Condition c;
    DDB_ASSIGN(c, parse_or());
    if (peek().kind != Tok::kEnd) return syntax_error();
    return c;
  }

  Result<std::vector<Path>> projection() {
    if (text_.size() > kMaxExpressionLength) return expression_too_long();
    DDB_TRY(lex());
    if (toks_.size() == 1) return fail(msg::kExprExpressionCanNotEmpty);
    std::vector<Path> paths;
    for (;;) {
      Path p;
      DDB_ASSIGN(p, parse_path());
      paths.push_back(std::move(p));
      if (is_punct(",")) {
        ++pos_;
        continue;
      }
      break;
    }
    if (peek().kind != Tok::kEnd) return syntax_error();
    DDB_TRY(checked(check_overlaps(paths)));
    return paths;
  }

  Result<Update> update() {
    if (text_.size() > kMaxExpressionLength) return expression_too_long();
    DDB_TRY(lex());
    if (toks_.size() == 1) return fail(msg::kExprExpressionCanNotEmpty);
    Update u;
    std::set<std::string> seen;
    while (peek().kind != Tok::kEnd) {
      if (peek().kind != Tok::kIdent) return syntax_error();
      std::string kw = upper(peek().text);
      UpdateAction::Kind kind;
      if (kw == "SET")
        kind = UpdateAction::kSet;
      else if (kw == "REMOVE")
        kind = UpdateAction::kRemove;
      else if (kw == "ADD")
        kind = UpdateAction::kAdd;
      else if (kw == "DELETE")
        kind = UpdateAction::kDelete;
      else
        return syntax_error();
      if (!seen.insert(kw).second) return fail(msg::text(msg::kExprSectionCanOnlyUsedOnceInUpdate, kw));
      ++pos_;
      for (;;) {
        UpdateAction a{kind, {}, {}};
        DDB_ASSIGN(a.path, parse_path());
        if (kind == UpdateAction::kSet) {
          DDB_TRY(expect_punct("="));
          DDB_ASSIGN(a.value, parse_set_value());
        } else if (kind == UpdateAction::kAdd || kind == UpdateAction::kDelete) {
          DDB_ASSIGN(a.value, parse_operand(true));
          if (a.value.kind != Operand::kValue) return syntax_error();
          const Value& v = a.value.value;
          bool ok = kind == UpdateAction::kAdd ? (v.type == VType::N || v.is_set()) : v.is_set();
          if (!ok)
            return fail(
                msg::text(msg::kExprIncorrectOperandTypeForOperatorOrFunction2, kw, long_type_name(v.type)));
        }
        u.actions.push_back(std::move(a));
        if (is_punct(",")) {
          ++pos_;
          continue;
        }
        break;
      }
    }
    std::vector<Path> paths;
    for (auto& a : u.actions) paths.push_back(a.path);
    DDB_TRY(checked(check_overlaps(paths)));
    return u;
  }

  Error expression_too_long() {
    return fail(
        msg::text(msg::kExprExpressionSizeHasExceededMaximumAllowedSize, std::to_string(text_.size())));
  }

 private:
  std::string_view text_;
  const char* which_;
  Context& ctx_;
  std::vector<Tok> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  int operators_ = 0;
  // The token span [open, close] of the last parenthesized group, to find "((...))".
  std::pair<size_t, size_t> last_group_{SIZE_MAX, SIZE_MAX};
};

}  // namespace

std::string Path::to_string() const {
  std::string s;
  for (auto& e : elems) {
    if (e.is_index)
      s += "[" + std::to_string(e.index) + "]";
    else {
      if (!s.empty()) s += ".";
      s += e.name;
    }
  }
  return s;
}

Status Context::check_unused() const {
  if (values_) {
    std::string unused;
    for (auto& [k, v] : *values_)
      if (!used_values.count(k)) unused += (unused.empty() ? "" : ", ") + k;
    if (!unused.empty())
      return err::validation(
          msg::text(msg::kValueProvidedInExpressionattributevaluesUnusedInExpressions, unused));
  }
  if (names_ && names_->IsObject()) {
    std::string unused;
    for (auto it = names_->MemberBegin(); it != names_->MemberEnd(); ++it) {
      std::string k(it->name.GetString(), it->name.GetStringLength());
      if (!used_names.count(k)) unused += (unused.empty() ? "" : ", ") + k;
    }
    if (!unused.empty())
      return err::validation(
          msg::text(msg::kValueProvidedInExpressionattributenamesUnusedInExpressions, unused));
  }
  return Status::OK();
}

Result<Condition> parse_condition(std::string_view text, const char* which, Context& ctx) {
  return Parser(text, which, ctx).condition();
}
Result<Update> parse_update(std::string_view text, Context& ctx) {
  return Parser(text, "UpdateExpression", ctx).update();
}
Result<std::vector<Path>> parse_projection(std::string_view text, Context& ctx) {
  return Parser(text, "ProjectionExpression", ctx).projection();
}

}  // namespace ddb::expr
