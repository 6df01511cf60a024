/// Retained Home Assistant discovery configs as the devices publish them: Zigbee2MQTT 1.40 for a SONOFF SNZB-02
/// named `cold2/snzb-1` (full keys, an `availability` list with the bridge state, `origin`, a `last_seen` entity and
/// the battery and link-quality entities), ESPHome 2024.6 for a node in area `cold3` (abbreviated keys, plain states,
/// `avty_t`), Tasmota 13 with `SetOption19 1` (abbreviated keys, `val_tpl` with `['sensor']['Temperature']`, the LWT
/// as availability, no node level), and a temperature whose template computes (not mapped).
enum DiscoveryConfigs {
  static let zigbeeDevice =
    #""device":{"identifiers":["zigbee2mqtt_0x00124b0022334455"],"manufacturer":"SONOFF","model":"Temperature and humidity sensor","model_id":"SNZB-02","name":"cold2/snzb-1","via_device":"zigbee2mqtt_bridge_0x00124b00aabbccdd"}"#
  static let zigbeeAvailability =
    #""availability":[{"topic":"zigbee2mqtt/bridge/state","value_template":"{{ value_json.state }}"},{"topic":"zigbee2mqtt/cold2/snzb-1/availability","value_template":"{{ value_json.state }}"}],"availability_mode":"all""#
  static let origin = #""origin":{"name":"Zigbee2MQTT","sw":"1.40.2","url":"https://www.zigbee2mqtt.io"}"#

  static func zigbee(_ object: String, _ fields: String) -> (String, String) {
    (
      "homeassistant/sensor/0x00124b0022334455/\(object)/config",
      "{\(zigbeeAvailability),\(zigbeeDevice),\(fields),\(origin),\"state_topic\":\"zigbee2mqtt/cold2/snzb-1\","
        + "\"unique_id\":\"0x00124b0022334455_\(object)_zigbee2mqtt\"}"
    )
  }

  static let esphomeDevice =
    #""dev":{"ids":"a0b1c2d3e4f5","name":"cold3-esp","sw":"esphome v2024.6.1 Jun 20 2024, 10:00:00","mdl":"esp32dev","mf":"espressif","sa":"cold3"}"#

  static func tasmota(_ sensor: String, _ quantity: String, unit: String, deviceClass: String) -> (String, String) {
    (
      "homeassistant/sensor/6C5B3A_\(sensor)_\(quantity)/config",
      #"{"name":"Tasmota \#(sensor) \#(quantity)","stat_t":"tele/tasmota_6C5B3A/SENSOR","avty_t":"tele/tasmota_6C5B3A/LWT","pl_avail":"Online","pl_not_avail":"Offline","uniq_id":"6C5B3A_\#(sensor)_\#(quantity)","dev":{"ids":["6C5B3A"]},"unit_of_meas":"\#(unit)","dev_cla":"\#(deviceClass)","frc_upd":true,"val_tpl":"{{value_json['\#(sensor)']['\#(quantity)']}}"}"#
    )
  }

  static var all: [(String, String)] {
    [
      zigbee(
        "temperature",
        #""device_class":"temperature","enabled_by_default":true,"object_id":"cold2_snzb-1_temperature","state_class":"measurement","unit_of_measurement":"°C","value_template":"{{ value_json.temperature }}""#
      ),
      zigbee(
        "humidity",
        #""device_class":"humidity","enabled_by_default":true,"object_id":"cold2_snzb-1_humidity","state_class":"measurement","unit_of_measurement":"%","value_template":"{{ value_json.humidity }}""#
      ),
      zigbee(
        "battery",
        #""device_class":"battery","enabled_by_default":true,"entity_category":"diagnostic","object_id":"cold2_snzb-1_battery","state_class":"measurement","unit_of_measurement":"%","value_template":"{{ value_json.battery }}""#
      ),
      zigbee(
        "linkquality",
        #""enabled_by_default":false,"entity_category":"diagnostic","icon":"mdi:signal","name":"Linkquality","object_id":"cold2_snzb-1_linkquality","state_class":"measurement","unit_of_measurement":"lqi","value_template":"{{ value_json.linkquality }}""#
      ),
      zigbee(
        "last_seen",
        #""device_class":"timestamp","enabled_by_default":false,"entity_category":"diagnostic","icon":"mdi:clock","name":"Last seen","object_id":"cold2_snzb-1_last_seen","value_template":"{{ value_json.last_seen }}""#
      ),
      (
        "homeassistant/sensor/cold3-esp/cold3_temperature/config",
        #"{"dev_cla":"temperature","unit_of_meas":"°C","stat_cla":"measurement","name":"Cold3 Temperature","stat_t":"cold3-esp/sensor/cold3_temperature/state","avty_t":"cold3-esp/status","uniq_id":"ESPsensorcold3_temperature",\#(esphomeDevice)}"#
      ),
      (
        "homeassistant/sensor/cold3-esp/cold3_humidity/config",
        #"{"dev_cla":"humidity","unit_of_meas":"%","stat_cla":"measurement","name":"Cold3 Humidity","stat_t":"cold3-esp/sensor/cold3_humidity/state","avty_t":"cold3-esp/status","uniq_id":"ESPsensorcold3_humidity",\#(esphomeDevice)}"#
      ),
      tasmota("DS18B20-1", "Temperature", unit: "°C", deviceClass: "temperature"),
      tasmota("SHT3X", "Temperature", unit: "°C", deviceClass: "temperature"),
      tasmota("SHT3X", "Humidity", unit: "%", deviceClass: "humidity"),
      tasmota("SHT3X", "DewPoint", unit: "°C", deviceClass: "temperature"),
      (
        "homeassistant/sensor/cold9-esp/cold9_dew/config",
        #"{"dev_cla":"temperature","unit_of_meas":"°F","stat_t":"cold9-esp/sensor/cold9_dew/state","val_tpl":"{{ (value | float) * 1.8 + 32 }}","dev":{"ids":"ffee","name":"cold9-esp"}}"#
      ),
    ]
  }
}
