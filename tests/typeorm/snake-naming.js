// A snake_case naming strategy for the judge, written after the public behaviour of the
// `typeorm-naming-strategies` package (whose peer dependency excludes TypeORM 1.x): every
// name TypeORM derives from a class or property becomes snake_case; names given explicitly
// stay as written.
const { DefaultNamingStrategy } = require("typeorm");
const { snakeCase } = require("typeorm/util/StringUtils");

class SnakeNamingStrategy extends DefaultNamingStrategy {
    tableName(className, customName) {
        return customName ? customName : snakeCase(className);
    }

    columnName(propertyName, customName, embeddedPrefixes) {
        const prefix = embeddedPrefixes.length ? snakeCase(embeddedPrefixes.join("_")) + "_" : "";
        return prefix + (customName ? customName : snakeCase(propertyName));
    }

    relationName(propertyName) {
        return snakeCase(propertyName);
    }

    joinColumnName(relationName, referencedColumnName) {
        return snakeCase(`${relationName}_${referencedColumnName}`);
    }

    joinTableName(firstTableName, secondTableName, firstPropertyName) {
        return snakeCase(`${firstTableName}_${firstPropertyName.replaceAll(".", "_")}_${secondTableName}`);
    }

    joinTableColumnName(tableName, propertyName, columnName) {
        return snakeCase(`${tableName}_${columnName ? columnName : propertyName}`);
    }

    classTableInheritanceParentColumnName(parentTableName, parentTableIdPropertyName) {
        return snakeCase(`${parentTableName}_${parentTableIdPropertyName}`);
    }

    eagerJoinRelationAlias(alias, propertyPath) {
        return `${alias}__${propertyPath.replace(".", "_")}`;
    }
}

module.exports = { SnakeNamingStrategy };
