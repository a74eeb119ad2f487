//! ProjectionExpression: `path (',' path)*`, with no two paths overlapping or conflicting.

use crate::ast::Projection;
use crate::context::ExpressionContext;
use crate::error::ExpressionError;
use crate::lexer::TokenKind;

use super::Parser;
use super::deferred::PROJECTION_ORDER;

pub(crate) fn parse_projection(
    context: &mut ExpressionContext<'_>,
    source: &str,
) -> Result<Projection, ExpressionError> {
    let mut parser = Parser::new(context, source, &[])?;
    let mut paths = Vec::new();
    loop {
        let path = parser.parse_path()?;
        parser.check_paths_apart(&paths, &path);
        paths.push(path);
        if parser.peek().kind != TokenKind::Comma {
            break;
        }
        parser.advance();
    }
    parser.finish(PROJECTION_ORDER)?;
    Ok(Projection { paths })
}
