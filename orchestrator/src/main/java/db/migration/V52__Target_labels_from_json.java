package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies the labels of the targets registered before V51 into target_label. In Java
 * because H2, which the demo runs on, has no function that takes a JSON object apart;
 * this way one migration serves both databases.
 */
public class V52__Target_labels_from_json extends BaseJavaMigration {

	private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
	};

	private static final int BATCH = 1000;

	@Override
	public void migrate(Context context) throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		Connection connection = context.getConnection();
		try (Statement read = connection.createStatement();
				ResultSet targets = read.executeQuery("SELECT id, labels FROM target");
				PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO target_label (target_id, label_key, label_value) VALUES (?, ?, ?)")) {
			int batched = 0;
			while (targets.next()) {
				long id = targets.getLong(1);
				for (Map.Entry<String, String> label : json.readValue(targets.getString(2), LABELS).entrySet()) {
					insert.setLong(1, id);
					insert.setString(2, label.getKey());
					insert.setString(3, label.getValue());
					insert.addBatch();
					if (++batched % BATCH == 0) {
						insert.executeBatch();
					}
				}
			}
			insert.executeBatch();
		}
	}

}
