//! A small SQL text builder for the hand-tuned public read queries: it writes the right
//! placeholder for the connected back end (`?` for SQLite, `$n` for PostgreSQL) as values are
//! bound, so one query text serves both.

use sea_orm::{DbBackend, Statement, Value};

pub struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Self {
        Sql { backend, text: String::with_capacity(256), values: Vec::new() }
    }

    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Appends literal SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(?, ?, …)` for a list of values.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    /// Appends `(?, ?), (?, ?), …`: one parenthesised list per row, for multi-row inserts.
    pub fn bind_rows<R: IntoIterator<Item = Value>>(&mut self, rows: impl IntoIterator<Item = R>) -> &mut Self {
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_list(row);
        }
        self
    }

    pub fn build(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_back_end() {
        for (backend, expected) in
            [(DbBackend::Sqlite, "a = ? AND b IN (?, ?)"), (DbBackend::Postgres, "a = $1 AND b IN ($2, $3)")]
        {
            let mut sql = Sql::new(backend);
            sql.push("a = ").bind(1i64).push(" AND b IN ").bind_list([2i64, 3]);
            assert_eq!(sql.build().sql, expected, "{backend:?}");
        }
        for (backend, expected) in [(DbBackend::Sqlite, "(?, ?), (?, ?)"), (DbBackend::Postgres, "($1, $2), ($3, $4)")]
        {
            let mut sql = Sql::new(backend);
            sql.bind_rows([[Value::from(1i64), Value::from("a")], [Value::from(2i64), Value::from("b")]]);
            assert_eq!(sql.build().sql, expected, "{backend:?}");
        }
    }
}
