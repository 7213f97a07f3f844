// falco-defaults.mjs: the macros and lists that Falco's default rules
// file (falco_rules.yaml, loaded before custom rules) defines, so a
// custom rule may name them without defining them.  Read from
//   https://github.com/falcosecurity/rules/blob/f69f43392fbf11a961ced732bcbe0c0d241308eb/rules/falco_rules.yaml
// (the stable rules, required_engine_version 26).  Note `always_true` is
// commented out there: it is NOT defined.  These names belong to the
// syscall source only.

export const DEFAULTS_SOURCE =
    "https://github.com/falcosecurity/rules/blob/f69f43392fbf11a961ced732bcbe0c0d241308eb/rules/falco_rules.yaml";

export const DEFAULT_MACROS = new Set([
	"open_write", "open_read", "open_file_failed", "never_true", "proc_name_exists",
	"spawned_process", "create_symlink", "create_hardlink", "kernel_module_load", "dup",
	"etc_dir", "shell_procs", "server_procs", "run_by_package_mgmt_binaries", "sensitive_files",
	"proc_is_new", "container", "interactive", "system_users", "ansible_running_python",
	"run_by_qualys", "run_by_google_accounts_daemon", "run_by_chef", "run_by_foreman",
	"python_mesos_marathon_scripting", "splunk_running_forwarder", "perl_running_plesk",
	"perl_running_updmap", "perl_running_centrifydc", "runuser_reading_pam",
	"linux_bench_reading_etc_shadow", "veritas_driver_script", "user_ssh_directory",
	"directory_traversal", "cmp_cp_by_passwd", "user_known_read_sensitive_files_activities",
	"user_read_sensitive_file_conditions", "user_read_sensitive_file_containers", "mandb_postinst",
	"postgres_running_wal_e", "redis_running_prepost_scripts", "rabbitmq_running_scripts",
	"rabbitmqctl_running_scripts", "run_by_appdynamics", "parent_java_running_zookeeper",
	"parent_java_running_kafka", "parent_java_running_elasticsearch", "parent_java_running_activemq",
	"parent_java_running_cassandra", "parent_java_running_jboss_wildfly",
	"parent_java_running_glassfish", "parent_java_running_hadoop", "parent_java_running_datastax",
	"nginx_starting_nginx", "nginx_running_aws_s3_cp", "consul_running_net_scripts",
	"consul_running_alert_checks", "serf_script", "check_process_status",
	"possibly_node_in_container", "possibly_parent_java_running_tomcat", "protected_shell_spawner",
	"container_entrypoint", "user_known_system_user_login",
	"user_expected_terminal_shell_in_container_conditions", "user_shell_container_exclusions",
	"k8s_containers", "k8s_api_server", "user_known_contact_k8s_api_server_activities",
	"grep_commands", "grep_more", "private_key_or_password", "access_log_files",
	"allowed_clear_log_files", "trusted_logging_images", "clear_data_procs",
	"user_known_remove_data_activities", "user_known_stand_streams_redirect_activities",
	"known_ptrace_procs", "ptrace_attach_or_injection", "private_aws_credentials", "outbound",
	"ssh_non_standard_ports_network", "known_memfd_execution_processes",
]);

export const DEFAULT_LISTS = new Set([
	"shell_binaries", "login_binaries", "passwd_binaries", "shadowutils_binaries",
	"http_server_binaries", "db_server_binaries", "postgres_mgmt_binaries", "nosql_server_binaries",
	"gitlab_binaries", "rpm_binaries", "deb_binaries", "python_package_managers",
	"package_mgmt_binaries", "userexec_binaries", "user_mgmt_binaries", "hids_binaries",
	"vpn_binaries", "nomachine_binaries", "mail_binaries", "mail_config_binaries",
	"sensitive_file_names", "sensitive_directory_names", "cron_binaries", "needrestart_binaries",
	"sshkit_script_binaries", "read_sensitive_file_binaries", "read_sensitive_file_images",
	"protected_shell_spawning_binaries", "mesos_shell_binaries", "trusted_images",
	"sematext_images", "falco_containers", "falco_no_driver_containers", "falco_privileged_images",
	"known_shell_spawn_cmdlines", "user_known_shell_spawn_binaries", "ibm_cloud_containers",
	"grep_binaries", "log_directories", "log_files", "data_remove_commands",
	"user_known_packet_socket_binaries", "allowed_container_images_loading_kernel_module",
	"docker_binaries", "known_ptrace_binaries", "known_drop_and_execute_containers",
	"rfc_1918_addresses", "ssh_non_standard_ports", "known_memfd_execution_binaries",
]);

// Field classes per event source (https://falco.org/docs/reference/rules/supported-fields/).
export const FIELD_CLASSES = {
	syscall: new Set(["evt", "proc", "thread", "user", "group", "container", "fd", "fdlist", "fs",
		"syslog", "k8s", "span", "evtin", "syscall"]),
	k8s_audit: new Set(["ka", "jevt"]),
};
