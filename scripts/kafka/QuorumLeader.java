// Asks the KRaft controllers (Kafka's Admin API, DescribeQuorum) which node
// leads the metadata quorum: the active controller. Prints "leader N".
// Run from source with the Kafka libraries (no build step):
//   java -cp 'var/kafka/libs-*/*' scripts/kafka/QuorumLeader.java HOST:CONTROLLER_PORT,...
// scripts/services status kafka-cluster does.
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

public class QuorumLeader {
    public static void main(String[] args) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, args[0]))) {
            int leader = admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS).leaderId();
            System.out.println("leader " + leader);
        }
    }
}
