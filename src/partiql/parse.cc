// PartiQL text -> tokens -> Statement (with parameters bound). A recursive-descent parser over the
// grammar of DynamoDB's dialect; anything outside it is "Statement wasn't well formed".
#include <cctype>

#include "expr/checks.h"
#include "partiql/lex.h"
#include "partiql/partiql.h"
#include "types/decimal.h"
#include "util/errors.h"
#include "util/messages.h"

namespace ddb::partiql {

namespace {

constexpr int kMaxDepth = 64;  // nesting of conditions and literals

class Parser {
 public:
  Parser(std::string_view text, std::vector<Tok> toks, const std::vector<Value>& params)
      : text_(text), toks_(std::move(toks)), params_(params) {}

  Result<Statement> statement() {
    Statement s;
    std::string kw = word();
    if (kw == "SELECT") {
      DDB_TRY(select(s));
    } else if (kw == "INSERT") {
      DDB_TRY(insert(s));
    } else if (kw == "UPDATE") {
      DDB_TRY(update(s));
    } else if (kw == "DELETE") {
      DDB_TRY(remove(s));
    } else if (kw == "EXISTS") {
      DDB_TRY(exists(s));
    } else {
      return malformed();
    }
    accept(";");  // one statement, optionally terminated
    if (peek().kind != Tok::kEnd) return trailing();
    return s;
  }

 private:
  // ---- tokens ----
  const Tok& peek(size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  const Tok& next() {
    const Tok& t = peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }
  bool is_kw(const char* kw, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::kWord && upper(peek(ahead).text) == kw;
  }
  bool is_punct(const char* p, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::kPunct && peek(ahead).text == p;
  }
  bool accept_kw(const char* kw) {
    if (!is_kw(kw)) return false;
    next();
    return true;
  }
  bool accept(const char* p) {
    if (!is_punct(p)) return false;
    next();
    return true;
  }
  std::string word() { return peek().kind == Tok::kWord ? upper(next().text) : std::string(); }
  Status expect_kw(const char* kw) { return accept_kw(kw) ? Status::OK() : Status(malformed()); }
  Status expect(const char* p) { return accept(p) ? Status::OK() : Status(malformed()); }
  Error malformed() const { return err::validation(msg::text(msg::kPqMalformed, text_)); }
  // The expression engine's semantic checks, whose detail DynamoDB answers with as it is.
  static Status checked(const expr::Problem& p) { return p ? Status(err::validation(*p)) : Status::OK(); }
  Error trailing() const {
    if (is_kw("LIMIT") || is_kw("OFFSET")) {
      const Tok& v = peek(1).kind == Tok::kEnd ? peek() : peek(1);
      return err::validation(msg::text(msg::kPqUnsupportedClause, upper(peek().text), v.line, v.col, v.len));
    }
    return malformed();
  }

  // ---- names ----
  // A table, index or attribute name: a bare word or a "quoted identifier".
  Result<std::string> identifier() {
    const Tok& t = peek();
    if (t.kind != Tok::kWord && t.kind != Tok::kQuoted) return malformed();
    next();
    return t.text;
  }
  // The table (and index) a statement names. A SELECT's FROM cannot give it an alias.
  Status target(Statement& s, bool select = false) {
    DDB_ASSIGN(s.table, identifier());
    if (accept(".")) {
      DDB_ASSIGN(s.index, identifier());
    }
    if (select && (is_kw("AS") || (peek().kind == Tok::kWord && !is_kw("WHERE") && !is_kw("ORDER") &&
                                   !is_kw("LIMIT") && !is_kw("OFFSET"))))
      return err::validation(msg::kPqAliasing);
    return Status::OK();
  }
  Result<expr::Path> path() {
    expr::Path p;
    std::string first;
    DDB_ASSIGN(first, identifier());
    p.elems.push_back({first, -1, false});
    while (true) {
      if (is_punct(".") && (peek(1).kind == Tok::kWord || peek(1).kind == Tok::kQuoted)) {
        next();
        std::string n;
        DDB_ASSIGN(n, identifier());
        p.elems.push_back({n, -1, false});
      } else if (is_punct("[") && peek(1).kind == Tok::kNumber && is_punct("]", 2)) {
        next();
        const std::string& digits = next().text;
        next();
        if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
          return malformed();
        p.elems.push_back({"", std::stol(digits), true});
      } else {
        return p;
      }
    }
  }

  // ---- statements ----
  Status select(Statement& s) {
    s.kind = Statement::kSelect;
    if (!accept("*")) {
      std::vector<expr::Path> paths;
      do {
        expr::Path p;
        DDB_ASSIGN(p, path());
        paths.push_back(std::move(p));
      } while (accept(","));
      s.projection = std::move(paths);
    }
    DDB_TRY(expect_kw("FROM"));
    DDB_TRY(target(s, true));
    if (accept_kw("WHERE")) {
      expr::Condition c;
      DDB_ASSIGN(c, condition(0));
      s.where = std::move(c);
    }
    if (accept_kw("ORDER")) {
      DDB_TRY(expect_kw("BY"));
      do {
        OrderBy o;
        DDB_ASSIGN(o.attribute, identifier());
        if (accept_kw("DESC"))
          o.descending = true;
        else
          accept_kw("ASC");
        s.order_by.push_back(std::move(o));
      } while (accept(","));
    }
    return Status::OK();
  }
  Status insert(Statement& s) {
    s.kind = Statement::kInsert;
    DDB_TRY(expect_kw("INTO"));
    DDB_TRY(target(s));
    if (!s.index.empty()) return malformed();
    DDB_TRY(expect_kw("VALUE"));
    const Tok& start = peek();
    if (!is_punct("{")) {
      if (start.kind == Tok::kEnd) return malformed();
      return err::validation(msg::text(msg::kPqInsertNotStruct, start.line, start.col, start.len));
    }
    Value v;
    DDB_ASSIGN(v, literal(0));
    s.item = std::move(v.map);
    return Status::OK();
  }
  Status update(Statement& s) {
    s.kind = Statement::kUpdate;
    DDB_TRY(target(s));
    if (!s.index.empty()) return malformed();
    bool any = false;
    while (true) {
      if (accept_kw("SET")) {
        do {
          DDB_TRY(assignment(s.update));
        } while (accept(","));
      } else if (accept_kw("REMOVE")) {
        do {
          expr::UpdateAction a{expr::UpdateAction::kRemove, {}, {}};
          DDB_ASSIGN(a.path, path());
          s.update.actions.push_back(std::move(a));
        } while (accept(","));
      } else {
        break;
      }
      any = true;
    }
    if (!any) return malformed();
    std::vector<expr::Path> paths;
    for (const auto& a : s.update.actions) paths.push_back(a.path);
    DDB_TRY(checked(expr::check_overlaps(paths)));
    DDB_TRY(where(s));
    return returning(s);
  }
  Status remove(Statement& s) {
    s.kind = Statement::kDelete;
    DDB_TRY(expect_kw("FROM"));
    DDB_TRY(target(s));
    if (!s.index.empty()) return malformed();
    DDB_TRY(where(s));
    DDB_TRY(returning(s));
    if (!s.returning.empty() && s.returning != "ALL_OLD") {
      std::string a = s.returning.rfind("ALL", 0) == 0 ? "ALL" : "MODIFIED";
      std::string b = s.returning.find("NEW") != std::string::npos ? "NEW" : "OLD";
      return err::validation(msg::text(msg::kPqDeleteReturning, a, b));
    }
    return Status::OK();
  }
  Status exists(Statement& s) {
    DDB_TRY(expect("("));
    if (!accept_kw("SELECT")) return malformed();
    DDB_TRY(select(s));
    s.kind = Statement::kExists;
    return expect(")");
  }
  Status where(Statement& s) {
    if (!accept_kw("WHERE")) return err::validation(msg::kPqNeedFullKey);
    expr::Condition c;
    DDB_ASSIGN(c, condition(0));
    s.where = std::move(c);
    return Status::OK();
  }
  Status returning(Statement& s) {
    if (!accept_kw("RETURNING")) return Status::OK();
    std::string which = word(), age = word();
    if ((which != "ALL" && which != "MODIFIED") || (age != "NEW" && age != "OLD")) return malformed();
    if (!accept("*")) return err::validation(msg::kPqReturningStar);
    s.returning = (which == "ALL" ? "ALL_" : "UPDATED_") + age;
    return Status::OK();
  }

  // ---- SET clauses ----
  Status assignment(expr::Update& u) {
    expr::UpdateAction a{expr::UpdateAction::kSet, {}, {}};
    DDB_ASSIGN(a.path, path());
    DDB_TRY(expect("="));
    // set_add / set_delete of the same attribute are DynamoDB's ADD and DELETE actions.
    for (auto [fn, kind] :
         {std::pair{"SET_ADD", expr::UpdateAction::kAdd}, {"SET_DELETE", expr::UpdateAction::kDelete}}) {
      if (is_kw(fn) && is_punct("(", 1)) {
        next();
        next();
        expr::Path p;
        DDB_ASSIGN(p, path());
        if (p.to_string() != a.path.to_string()) return malformed();
        DDB_TRY(expect(","));
        DDB_ASSIGN(a.value, value_operand(0));
        DDB_TRY(expect(")"));
        a.kind = kind;
        u.actions.push_back(std::move(a));
        return Status::OK();
      }
    }
    expr::Operand lhs;
    DDB_ASSIGN(lhs, set_term());
    if (is_punct("+") || is_punct("-")) {
      bool plus = next().text == "+";
      expr::Operand rhs;
      DDB_ASSIGN(rhs, set_term());
      for (const auto* o : {&lhs, &rhs})
        if (o->kind == expr::Operand::kValue && o->value.type != VType::N)
          return err::validation(
              msg::text(msg::kExprIncorrectOperandType, plus ? "+" : "-", vtype_name(o->value.type)));
      expr::Operand op;
      op.kind = plus ? expr::Operand::kPlus : expr::Operand::kMinus;
      op.args = {std::move(lhs), std::move(rhs)};
      lhs = std::move(op);
    }
    a.value = std::move(lhs);
    u.actions.push_back(std::move(a));
    return Status::OK();
  }
  // A value of SET: a path, a literal, a parameter, list_append(a, b) or if_not_exists(path, v).
  Result<expr::Operand> set_term() {
    for (auto [fn, kind] : {std::pair{"LIST_APPEND", expr::Operand::kListAppend},
                            {"IF_NOT_EXISTS", expr::Operand::kIfNotExists}}) {
      if (is_kw(fn) && is_punct("(", 1)) {
        next();
        next();
        expr::Operand op;
        op.kind = kind;
        for (int i = 0; i < 2; ++i) {
          if (i) DDB_TRY(expect(","));
          expr::Operand arg;
          DDB_ASSIGN(arg, operand(0));
          op.args.push_back(std::move(arg));
        }
        if (kind == expr::Operand::kIfNotExists && op.args[0].kind != expr::Operand::kPath)
          return malformed();
        DDB_TRY(expect(")"));
        return op;
      }
    }
    return operand(0);
  }

  // ---- conditions ----
  Result<expr::Condition> condition(int depth) {
    if (depth > kMaxDepth) return malformed();
    expr::Condition c;
    DDB_ASSIGN(c, conjunction(depth));
    if (!is_kw("OR")) return c;
    expr::Condition any;
    any.kind = expr::Condition::kOr;
    any.children.push_back(std::move(c));
    while (accept_kw("OR")) {
      expr::Condition x;
      DDB_ASSIGN(x, conjunction(depth));
      any.children.push_back(std::move(x));
    }
    return any;
  }
  Result<expr::Condition> conjunction(int depth) {
    expr::Condition c;
    DDB_ASSIGN(c, negation(depth));
    if (!is_kw("AND")) return c;
    expr::Condition all;
    all.kind = expr::Condition::kAnd;
    all.children.push_back(std::move(c));
    while (accept_kw("AND")) {
      expr::Condition x;
      DDB_ASSIGN(x, negation(depth));
      all.children.push_back(std::move(x));
    }
    return all;
  }
  Result<expr::Condition> negation(int depth) {
    if (depth > kMaxDepth) return malformed();
    if (accept_kw("NOT")) {
      expr::Condition inner;
      DDB_ASSIGN(inner, negation(depth + 1));
      expr::Condition n;
      n.kind = expr::Condition::kNot;
      n.children.push_back(std::move(inner));
      return n;
    }
    if (is_punct("(")) {
      next();
      expr::Condition c;
      DDB_ASSIGN(c, condition(depth + 1));
      DDB_TRY(expect(")"));
      return c;
    }
    return predicate(depth);
  }
  Result<expr::Condition> function_condition(const std::string& name, int depth) {
    next();
    next();
    expr::Condition c;
    c.kind = expr::Condition::kFunction;
    c.op = name;
    do {
      expr::Operand o;
      DDB_ASSIGN(o, operand(depth + 1));
      c.operands.push_back(std::move(o));
    } while (accept(","));
    DDB_TRY(expect(")"));
    if (c.operands.size() != 2 || c.operands[0].kind != expr::Operand::kPath) return malformed();
    DDB_TRY(checked(expr::check_function(c)));
    return c;
  }
  static std::string lowercase(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }
  static expr::Condition negate(expr::Condition c) {
    expr::Condition n;
    n.kind = expr::Condition::kNot;
    n.children.push_back(std::move(c));
    return n;
  }
  // A comparison, BETWEEN, IN, IS [NOT] MISSING/NULL or a function of a condition.
  Result<expr::Condition> predicate(int depth) {
    if (peek().kind == Tok::kWord && is_punct("(", 1)) {
      std::string fn = upper(peek().text);
      if (fn == "BEGINS_WITH" || fn == "CONTAINS" || fn == "ATTRIBUTE_TYPE")
        return function_condition(lowercase(fn), depth);
      if (fn != "SIZE" && fn != "MISSING")
        return err::validation(msg::text(msg::kPqUnrecognizedFunction, lowercase(peek().text)));
    }
    expr::Operand lhs;
    DDB_ASSIGN(lhs, operand(depth + 1));
    if (accept_kw("IS")) return is_test(std::move(lhs));
    bool negated = false;
    if (is_kw("NOT") && (is_kw("BETWEEN", 1) || is_kw("IN", 1))) {
      next();
      negated = true;
    }
    expr::Condition c;
    if (accept_kw("BETWEEN")) {
      DDB_ASSIGN(c, between(std::move(lhs), depth));
    } else if (accept_kw("IN")) {
      DDB_ASSIGN(c, in_list(std::move(lhs), depth));
    } else {
      return comparison(std::move(lhs), depth);
    }
    return negated ? negate(std::move(c)) : std::move(c);
  }
  // After IS: [NOT] MISSING (attribute_not_exists / attribute_exists) or [NOT] NULL (the NULL type).
  Result<expr::Condition> is_test(expr::Operand lhs) {
    bool negated = accept_kw("NOT");
    std::string what = word();
    if ((what != "MISSING" && what != "NULL") || lhs.kind != expr::Operand::kPath) return malformed();
    expr::Condition c;
    c.kind = expr::Condition::kFunction;
    if (what == "MISSING") {
      c.op = negated ? "attribute_exists" : "attribute_not_exists";
      c.operands.push_back(std::move(lhs));
      return c;
    }
    c.op = "attribute_type";
    c.operands.push_back(std::move(lhs));
    c.operands.push_back(value(Value::S("NULL")));
    return negated ? negate(std::move(c)) : std::move(c);
  }
  Result<expr::Condition> between(expr::Operand lhs, int depth) {
    expr::Condition c;
    c.kind = expr::Condition::kBetween;
    c.operands.push_back(std::move(lhs));
    expr::Operand lo, hi;
    DDB_ASSIGN(lo, operand(depth + 1));
    DDB_TRY(expect_kw("AND"));
    DDB_ASSIGN(hi, operand(depth + 1));
    c.operands.push_back(std::move(lo));
    c.operands.push_back(std::move(hi));
    DDB_TRY(checked(expr::check_between(c)));
    return c;
  }
  Result<expr::Condition> in_list(expr::Operand lhs, int depth) {
    expr::Condition c;
    c.kind = expr::Condition::kIn;
    c.operands.push_back(std::move(lhs));
    const char* close = accept("[") ? "]" : accept("(") ? ")" : nullptr;
    if (!close) return malformed();
    do {
      expr::Operand o;
      DDB_ASSIGN(o, operand(depth + 1));
      c.operands.push_back(std::move(o));
    } while (accept(","));
    DDB_TRY(expect(close));
    return c;
  }
  Result<expr::Condition> comparison(expr::Operand lhs, int depth) {
    static const char* ops[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    std::string op;
    for (const char* o : ops)
      if (is_punct(o)) op = o;
    if (op.empty()) return malformed();
    next();
    expr::Condition c;
    c.kind = expr::Condition::kCompare;
    c.op = op == "!=" ? "<>" : op;
    expr::Operand rhs;
    DDB_ASSIGN(rhs, operand(depth + 1));
    c.operands.push_back(std::move(lhs));
    c.operands.push_back(std::move(rhs));
    DDB_TRY(checked(expr::check_compare(c)));
    return c;
  }

  // ---- operands and literals ----
  static expr::Operand value(Value v) {
    expr::Operand o;
    o.kind = expr::Operand::kValue;
    o.value = std::move(v);
    return o;
  }
  // A path, size(path), a literal or a parameter.
  Result<expr::Operand> operand(int depth) {
    if (is_kw("SIZE") && is_punct("(", 1)) {
      next();
      next();
      expr::Operand o;
      o.kind = expr::Operand::kSize;
      DDB_ASSIGN(o.path, path());
      DDB_TRY(expect(")"));
      return o;
    }
    const Tok& t = peek();
    if (is_kw("MISSING")) return err::validation(msg::kPqMissingNeedsIs);
    bool literal_word = t.kind == Tok::kWord && (is_kw("TRUE") || is_kw("FALSE") || is_kw("NULL"));
    if ((t.kind == Tok::kWord && !literal_word) || t.kind == Tok::kQuoted) {
      expr::Operand o;
      o.kind = expr::Operand::kPath;
      DDB_ASSIGN(o.path, path());
      return o;
    }
    return value_operand(depth);
  }
  Result<expr::Operand> value_operand(int depth) {
    Value v;
    DDB_ASSIGN(v, literal(depth));
    return value(std::move(v));
  }
  Result<Value> number(bool negative) {
    const Tok& t = next();
    auto d = Decimal::parse((negative ? "-" : "") + t.text);
    if (!d.ok()) {
      Error e = d.take_error();
      if (e.message == msg::kNumberDigits) e.message = msg::kPqPrecision;
      return e;
    }
    return Value::N(d.value().to_string());
  }
  Result<Value> literal(int depth) {
    if (depth > kMaxDepth) return malformed();
    const Tok& t = peek();
    switch (t.kind) {
      case Tok::kString:
        return Value::S(next().text);
      case Tok::kNumber:
        return number(false);
      case Tok::kParam: {
        size_t i = next().param;
        if (i >= params_.size()) return err::validation(msg::kPqParameterCount);
        return params_[i];
      }
      case Tok::kWord: {
        std::string w = upper(next().text);
        if (w == "TRUE" || w == "FALSE") return Value::Bool(w == "TRUE");
        if (w == "NULL") return Value::Null();
        return malformed();
      }
      case Tok::kPunct:
        break;
      default:
        return malformed();
    }
    if (is_punct("-") && peek(1).kind == Tok::kNumber) {
      next();
      return number(true);
    }
    if (is_punct("{")) return map_literal(depth);
    if (is_punct("[")) {
      next();
      Value l;
      l.type = VType::L;
      if (!accept("]")) {
        do {
          Value e;
          DDB_ASSIGN(e, literal(depth + 1));
          l.list.push_back(std::move(e));
        } while (accept(","));
        DDB_TRY(expect("]"));
      }
      return l;
    }
    if (is_punct("<<")) return set_literal(depth);
    return malformed();
  }
  Result<Value> map_literal(int depth) {
    next();
    Value m;
    m.type = VType::M;
    if (accept("}")) return m;
    do {
      const Tok& k = peek();
      if (k.kind != Tok::kString) return malformed();
      if (k.text.empty()) return err::validation(msg::kPqEmptyPathComponent);
      next();
      DDB_TRY(expect(":"));
      Value v;
      DDB_ASSIGN(v, literal(depth + 1));
      if (m.map.count(k.text))
        return err::validation(msg::text(msg::kPqDuplicateTupleKey, k.text, k.line, k.col, k.len));
      m.map.emplace(k.text, std::move(v));
    } while (accept(","));
    DDB_TRY(expect("}"));
    return m;
  }
  Result<Value> set_literal(int depth) {
    const Tok& open = next();
    if (is_punct(">>")) return err::validation(msg::text(msg::kPqEmptyBag, open.line, open.col, open.len));
    std::vector<Value> elems;
    do {
      Value e;
      DDB_ASSIGN(e, literal(depth + 1));
      elems.push_back(std::move(e));
    } while (accept(","));
    DDB_TRY(expect(">>"));
    VType t = elems[0].type;
    if (t != VType::S && t != VType::N && t != VType::B) return malformed();
    Value s;
    s.type = t == VType::S ? VType::SS : t == VType::N ? VType::NS : VType::BS;
    for (auto& e : elems) {
      if (e.type != t) return malformed();
      bool dup = false;
      for (auto& x : s.set) dup = dup || values_equal(t == VType::N ? Value::N(x) : Value::S(x), e);
      if (!dup) s.set.push_back(std::move(e.s));  // in the order written, as DynamoDB Local keeps it
    }
    return s;
  }

  std::string_view text_;
  std::vector<Tok> toks_;
  const std::vector<Value>& params_;
  size_t pos_ = 0;
};

}  // namespace

Result<Statement> parse(std::string_view text, const std::vector<Value>& params) {
  std::vector<Tok> toks;
  if (!lex(text, toks)) return err::validation(msg::text(msg::kPqMalformed, text));
  size_t marks = 0;
  for (auto& t : toks) marks += t.kind == Tok::kParam;
  // Fewer parameters than `?` marks is an error; extra parameters are ignored (DynamoDB Local 3.3.1).
  if (marks > params.size()) return err::validation(msg::kPqParameterCount);
  return Parser(text, std::move(toks), params).statement();
}

}  // namespace ddb::partiql
