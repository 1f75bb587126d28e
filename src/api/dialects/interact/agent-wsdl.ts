import { escapeXml } from './soap-xml.js';

/**
 * The agent service's WSDL (document/literal, SOAP 1.1): one operation, `CampaignSMSRequest`, whose
 * input is the `CampaignSMSRequest` element of seed 004's sample and whose output is
 * `CampaignSMSResponse`. `GetInteractionUniqueIdResponse`, the element the seed's error rows
 * answer with, is declared too, as an element and as a message (node-soap, for one, looks a Body's
 * element up among the messages), so clients generated from it can read those answers.
 * `endpoint` is the absolute URL the service answers at.
 */
export function agentWsdl(endpoint: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://com/jacada/interact/agent/soap" targetNamespace="http://com/jacada/interact/agent/soap" name="AgentService">
  <wsdl:types>
    <xs:schema targetNamespace="http://com/jacada/interact/agent/soap" elementFormDefault="qualified">
      <xs:element name="CampaignSMSRequest">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="campaignId" type="xs:string"/>
            <xs:element name="additionalParams" type="xs:string" minOccurs="0"/>
            <xs:element name="callerId" type="xs:string"/>
            <xs:element name="from" type="xs:string" minOccurs="0"/>
            <xs:element name="sendFromMasterAccount" type="xs:boolean" minOccurs="0"/>
            <xs:element name="jpToken" type="xs:string" minOccurs="0"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="CampaignSMSResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="message" type="xs:string"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="GetInteractionUniqueIdResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="uniqueId" type="xs:string"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="CampaignSMSRequest">
    <wsdl:part name="CampaignSMSRequest" element="tns:CampaignSMSRequest"/>
  </wsdl:message>
  <wsdl:message name="CampaignSMSResponse">
    <wsdl:part name="CampaignSMSResponse" element="tns:CampaignSMSResponse"/>
  </wsdl:message>
  <wsdl:message name="GetInteractionUniqueIdResponse">
    <wsdl:part name="GetInteractionUniqueIdResponse" element="tns:GetInteractionUniqueIdResponse"/>
  </wsdl:message>
  <wsdl:portType name="Agent">
    <wsdl:operation name="CampaignSMSRequest">
      <wsdl:input name="CampaignSMSRequest" message="tns:CampaignSMSRequest"/>
      <wsdl:output name="CampaignSMSResponse" message="tns:CampaignSMSResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="AgentSoap11" type="tns:Agent">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="CampaignSMSRequest">
      <soap:operation soapAction=""/>
      <wsdl:input name="CampaignSMSRequest">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="CampaignSMSResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="AgentService">
    <wsdl:port name="AgentSoap11" binding="tns:AgentSoap11">
      <soap:address location="${escapeXml(endpoint)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
